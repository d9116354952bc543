"""The worker's job: send one text through Twilio's REST API (run by `rq worker`, see Procfile)."""

import logging

import redis
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from . import config
from .sessions import SessionStore

OPTED_OUT = 21610  # Twilio: this number replied STOP to us
REQUEST_TIMEOUT_SECONDS = 10

log = logging.getLogger(__name__)


class TextNotSent(Exception):
    """A failure worth retrying (Twilio 5xx or 429, or the network); it names no number."""


def send_text(to, from_, body):
    """Send one text; log and drop it when Twilio refuses it, raise when a retry may help."""
    settings = config.from_defaults_and_environment()
    client = Client(settings["TWILIO_ACCOUNT_SID"], settings["TWILIO_AUTH_TOKEN"],
                    http_client=TwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS))
    if settings["TWILIO_API_BASE_URL"]:
        client.api.base_url = settings["TWILIO_API_BASE_URL"]
    try:
        client.messages.create(to=to, from_=from_, body=body)
    except TwilioRestException as error:
        # Twilio's message may quote the number: log and raise only the status and code.
        if error.status >= 500 or error.status == 429:
            raise TextNotSent(f"Twilio answered HTTP {error.status} (error {error.code})") from None
        log.warning("Text not sent: Twilio error %s (HTTP %s); not retried",
                    error.code, error.status)
        if error.code == OPTED_OUT:
            _remember_opt_out(settings, to)
    except requests.RequestException as error:
        raise TextNotSent(f"Twilio unreachable ({type(error).__name__})") from None


def _remember_opt_out(settings, number):
    """So that the next call says texts are off instead of promising one."""
    try:
        SessionStore.from_config(settings).mark_opted_out(number)
    except redis.RedisError as error:
        log.error("Redis unavailable, opt-out not recorded: %s", error)
