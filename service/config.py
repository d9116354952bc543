"""Settings: defaults here, overridden by the environment (or a test dict)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # Keys of this deployment; several deployments may share one Redis.
    "REDIS_PREFIX": "ntrk:",
    # Short, so a sick Redis cannot hold a webhook past Twilio's 15 s limit.
    "REDIS_TIMEOUT_SECONDS": 0.5,
    "TWILIO_AUTH_TOKEN": None,
    "TWILIO_ACCOUNT_SID": None,
    "SECRET_KEY": None,
    # Set when Twilio reaches us through a proxy that rewrites scheme or host,
    # e.g. https://ntrk-line.example.org (signatures are over the public URL).
    "PUBLIC_BASE_URL": None,
    # How many proxies in front set X-Forwarded-* (Heroku's router: 1).
    "TRUSTED_PROXIES": 0,
    "LANGUAGE_TTL_DAYS": 365,
    "SESSION_TTL_HOURS": 24,
    "FLOWS_DIR": str(ROOT / "flows"),
    "LOCALES_DIR": str(ROOT / "locales"),
    # Whether replies name the support lines in flows/resources.yaml.
    "SHOW_SUPPORT_RESOURCES": True,
    # Twilio posts a few kB at most; anything larger is refused with 413.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Voice: seconds a caller has to press or say something (Twilio's default, 5, is short
    # for someone who is ill or new to phone menus).
    "VOICE_TIMEOUT_SECONDS": 8,
    # Silence after speech before Twilio stops listening ("auto" needs a non-default model).
    "VOICE_SPEECH_TIMEOUT_SECONDS": 2,
    # Misses in a row (silence, a wrong key, unrecognised speech) before the call moves on:
    # from this many, a silence ends the call and other misses lead back to the main menu;
    # twice as many end the call.
    "VOICE_MAX_MISSES": 3,
    # Speech recognised with a lower confidence (0.0-1.0) counts as not understood.
    "SPEECH_MIN_CONFIDENCE": 0.2,
    # A call's place in the menu is kept this long after its last request.
    "CALL_TTL_MINUTES": 60,
    # "Text me this": the number texts come from (unset: the number the caller dialled).
    "TWILIO_FROM_NUMBER": None,
    # The RQ queue the worker takes texts from (see the Procfile).
    "TEXT_QUEUE": "ntrk-texts",
    # Retries of a text after a Twilio 5xx, 429 or network error; other 4xx are never retried.
    "TEXT_MAX_RETRIES": 2,
    "TEXT_RETRY_SECONDS": 60,
    # Tests and local mocks only: where the REST client sends requests (unset: Twilio's API).
    "TWILIO_API_BASE_URL": None,
}

_INTEGERS = {"TRUSTED_PROXIES", "LANGUAGE_TTL_DAYS", "SESSION_TTL_HOURS", "MAX_CONTENT_LENGTH",
             "VOICE_TIMEOUT_SECONDS", "VOICE_SPEECH_TIMEOUT_SECONDS", "VOICE_MAX_MISSES",
             "CALL_TTL_MINUTES", "TEXT_MAX_RETRIES", "TEXT_RETRY_SECONDS"}
_FLOATS = {"REDIS_TIMEOUT_SECONDS", "SPEECH_MIN_CONFIDENCE"}
_BOOLEANS = {"SHOW_SUPPORT_RESOURCES"}
REQUIRED = ("TWILIO_AUTH_TOKEN", "SECRET_KEY")


def from_environment(environ=os.environ):
    """The settings named in DEFAULTS that the environment sets, typed."""
    settings = {}
    for name in DEFAULTS:
        if name not in environ:
            continue
        value = environ[name]
        if name in _INTEGERS:
            value = int(value)
        elif name in _FLOATS:
            value = float(value)
        elif name in _BOOLEANS:
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        settings[name] = value
    return settings


def check_required(config):
    """Stop start-up with a clear message when a required setting is missing."""
    missing = [name for name in REQUIRED if not config.get(name)]
    if missing:
        raise RuntimeError(f"Missing required setting(s): {', '.join(missing)} (see README)")


def from_defaults_and_environment(environ=os.environ):
    """All settings, for processes without a Flask app (the RQ worker)."""
    return {**DEFAULTS, **from_environment(environ)}
