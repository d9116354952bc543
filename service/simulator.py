"""Text or call the running line from a terminal, as a phone would, with Twilio-signed requests."""

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
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


def caller_input(typed):
    """A typed line as Twilio posts it: speech ("words or say: words), keys, or silence (empty)."""
    text = typed.strip()
    for marker in ("say:", '"'):
        if text.lower().startswith(marker):
            return {"SpeechResult": text[len(marker):].strip(' "'), "Confidence": "0.9"}
    return {"Digits": text} if text else {}


def heard(twiml):
    """What the caller hears, one line per <Say> (with its voice) or <Play>."""
    lines = []
    for element in twiml.iter():
        if element.tag == "Say":
            slower = ", slower" if element.find("prosody") is not None else ""
            lines.append(f"[{element.get('voice')} {element.get('language')}{slower}] "
                         + "".join(element.itertext()))
        elif element.tag == "Play":
            lines.append(f"[recording] {element.text}")
    return lines


def place_call(poster, number, lines=sys.stdin, out=sys.stdout):
    """Call the line and follow each <Gather> with what is typed, until either side hangs up."""
    params = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "ACsimulator", "From": number,
              "To": "+15550000000", "Direction": "inbound"}
    out.write(f"Calling the line as {number}. Type keys (2, 10, *, #), \"words or say: words "
              "to speak them, an empty line for silence; Ctrl-D hangs up.\n")
    twiml = poster.post("/voice", {**params, "CallStatus": "ringing"})
    typed_lines = iter(lines)
    while True:
        for line in heard(twiml):
            out.write(f"\n{line}\n")
        gather = twiml.find("Gather")
        if gather is None:
            out.write("\n(the line hung up)\n")
            return
        speech = f" or speech ({gather.get('language')})" if "speech" in gather.get("input") else ""
        out.write(f"\n[keys{speech}]> ")
        out.flush()
        typed = next(typed_lines, None)
        if typed is None:
            out.write("\n(you hung up)\n")
            return
        twiml = poster.post(gather.get("action"),
                            {**params, "CallStatus": "in-progress", **caller_input(typed)})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
                        help="where the line runs (default: http://127.0.0.1:$PORT)")
    parser.add_argument("--from", dest="number", default="+15555550100",
                        help="the phone number to text or call from")
    parser.add_argument("--call", action="store_true",
                        help="call the line instead of texting it: hear what it says, "
                             "answer with keys or typed speech")
    parser.add_argument("--token", default=os.environ.get("TWILIO_AUTH_TOKEN",
                                                          "local-dev-auth-token"),
                        help="the auth token the line checks signatures with")
    args = parser.parse_args(argv)
    poster = SignedPoster(args.url, args.token)
    if args.call:
        place_call(poster, args.number)
    else:
        chat(poster, args.number)


if __name__ == "__main__":
    main()
