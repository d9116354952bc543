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
}

_INTEGERS = {"TRUSTED_PROXIES", "LANGUAGE_TTL_DAYS", "SESSION_TTL_HOURS", "MAX_CONTENT_LENGTH"}
_FLOATS = {"REDIS_TIMEOUT_SECONDS"}
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
