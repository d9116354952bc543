"""Pools of Twilio-signed webhook requests, written once for wrk to cycle through.

wrk's Lua cannot compute HMAC-SHA1, so every request is signed here with twilio's own
RequestValidator, over the URL the server will see, exactly as Twilio signs.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

# One conversation per caller: the first contact (welcome, languages, menu), a language
# by number, topics, paging, a phrase, a typo, an unknown text, the menu and help. The
# language number is filled in per caller, so every offered catalog is exercised.
SMS_SCRIPT = ("hello", "{language}", "SIDE", "MORE", "MORE", "BACK",
              "what about the side effects please", "treatmnet", "purple elephant", "MENU",
              "3", "HELP")


# One call per caller: the call starts on the language menu (a new number); then keys: a
# language, topic 4, next part twice, back, repeat, slower, the menu, topic 2, next, the
# language menu, English. Key 7 ("text me this") is left out: it queues texts for the worker.
VOICE_KEYS = ("{language}", "4", "6", "6", "*", "9", "8", "0", "2", "6", "#", "1")


@dataclass(frozen=True)
class SignedRequest:
    """A form POST as Twilio would send it: path, urlencoded body, X-Twilio-Signature."""

    path: str
    body: str
    signature: str


def sign(validator, base_url, path, params):
    return SignedRequest(path, urlencode(params), validator.compute_signature(base_url + path,
                                                                              params))


def caller_number(index):
    """A distinct, obviously fictional US number per simulated caller (555 exchange)."""
    return f"+1555{index:07d}"


def sms_pool(base_url, token, callers, languages, first=0):
    """Every caller's SMS conversation, interleaved so that consecutive requests come from
    different callers and each caller's texts arrive in order. Callers are numbered from
    `first`, so a warm-up pool can use other callers than the measured one."""
    validator = RequestValidator(token)
    requests = []
    for step, template in enumerate(SMS_SCRIPT):
        for index in range(first, first + callers):
            body = template.format(language=index % languages + 1)
            params = {"From": caller_number(index), "To": "+15559870000", "Body": body,
                      "MessageSid": f"SM{index:016d}{step:016d}", "AccountSid": "AC" + "0" * 32,
                      "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
                      "ApiVersion": "2010-04-01"}
            requests.append(sign(validator, base_url, "/sms", params))
    return requests


def voice_pool(base_url, token, callers, languages, first=0):
    """Every caller's call: POST /voice, then one Gather action per key, interleaved by
    caller like sms_pool."""
    validator = RequestValidator(token)
    requests = []
    for step, template in enumerate(("", *VOICE_KEYS)):
        for index in range(first, first + callers):
            params = {"CallSid": f"CA{index:032d}", "AccountSid": "AC" + "0" * 32,
                      "From": caller_number(index), "To": "+15559870000",
                      "CallStatus": "ringing" if step == 0 else "in-progress",
                      "Direction": "inbound", "ApiVersion": "2010-04-01"}
            if step == 0:
                requests.append(sign(validator, base_url, "/voice", params))
            else:
                params["Digits"] = template.format(language=index % languages + 1)
                requests.append(sign(validator, base_url, "/voice/gather", params))
    return requests


def write_pool(path, requests):
    """One request per line: path, signature, body, tab-separated (urlencoded: no tabs)."""
    with open(path, "w", encoding="utf-8") as file:
        for request in requests:
            file.write(f"{request.path}\t{request.signature}\t{request.body}\n")
