"""Only Twilio may call the webhooks: check X-Twilio-Signature on every request."""

import hmac
from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator


def signed_url():
    """The URL as Twilio called it: the public base URL when one is set, else this request's."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/") + request.full_path.rstrip("?")
    return request.url


def twilio_signed(view):
    """Answer 403 unless the request carries Twilio's signature for this URL and form."""

    @wraps(view)
    def checked(*args, **kwargs):
        validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not _valid(validator, signed_url(), request.form, signature):
            current_app.logger.warning("rejected %s: bad or missing Twilio signature",
                                       request.path)
            abort(403)
        return view(*args, **kwargs)

    return checked


def _valid(validator, url, form, signature):
    # validate() always signs twice (with and without the port): sign the URL as called
    # first, and let validate() try its variants only when that does not match.
    expected = validator.compute_signature(url, form)
    return hmac.compare_digest(expected, signature) or validator.validate(url, form, signature)
