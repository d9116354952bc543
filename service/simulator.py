"""Text the running line from a terminal, as a phone would, with Twilio-signed requests."""

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree

from twilio.request_validator import RequestValidator


class SignedPoster:
    """POSTs form data signed with the auth token, as Twilio does, and parses the TwiML."""

    def __init__(self, base_url, auth_token):
        self.base_url = base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)

    def post(self, path, params):
        url = self.base_url + path
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": self.validator.compute_signature(url, params)})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return ElementTree.fromstring(response.read())
        except urllib.error.HTTPError as error:
            raise SystemExit(f"The line answered HTTP {error.code} for {path}") from error


def send_text(poster, number, body):
    """One text in; the reply bodies out (an empty list when the line sends nothing)."""
    reply = poster.post("/sms", {"From": number, "To": "+15550000000", "Body": body,
                                 "MessageSid": "SMsimulator", "AccountSid": "ACsimulator"})
    return [message.text or "" for message in reply.iter("Message")]


def chat(poster, number, lines=sys.stdin, out=sys.stdout):
    out.write(f"Texting the line as {number}. Type a message; Ctrl-D to quit.\n> ")
    out.flush()
    for line in lines:
        replies = send_text(poster, number, line.rstrip("\n"))
        for reply in replies or ["(no reply)"]:
            out.write(f"\n{reply}\n")
        out.write("\n> ")
        out.flush()
    out.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
                        help="where the line runs (default: http://127.0.0.1:$PORT)")
    parser.add_argument("--from", dest="number", default="+15555550100",
                        help="the phone number to text from")
    parser.add_argument("--token", default=os.environ.get("TWILIO_AUTH_TOKEN",
                                                          "local-dev-auth-token"),
                        help="the auth token the line checks signatures with")
    args = parser.parse_args(argv)
    chat(SignedPoster(args.url, args.token), args.number)


if __name__ == "__main__":
    main()
