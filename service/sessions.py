"""Caller preferences and conversation positions in Redis, keyed without phone numbers."""

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

import redis

from .engine import State


@dataclass(frozen=True)
class Caller:
    """What we keep about a phone number for a long time: its language and opt-out."""

    lang: str | None = None
    opted_out: bool = False


def connect(config):
    """A Redis client that gives up fast, so a webhook can still answer without it."""
    timeout = config["REDIS_TIMEOUT_SECONDS"]
    return redis.Redis.from_url(config["REDIS_URL"], socket_timeout=timeout,
                                socket_connect_timeout=timeout, decode_responses=True)


class SessionStore:
    """Every key is built here, from the prefix and a keyed hash of the number."""

    def __init__(self, client, prefix, secret, language_ttl_seconds, session_ttl_seconds):
        self.redis = client
        self.prefix = prefix
        self._secret = secret.encode()
        self.language_ttl = language_ttl_seconds
        self.session_ttl = session_ttl_seconds

    def caller_id(self, number):
        """A stable pseudonym for a phone number; the number itself is never stored."""
        return hmac.new(self._secret, number.encode(), hashlib.sha256).hexdigest()[:32]

    def caller_key(self, number):
        return f"{self.prefix}caller:{self.caller_id(number)}"

    def sms_key(self, number):
        return f"{self.prefix}sms:{self.caller_id(number)}"

    def load_sms(self, number):
        """The caller and their SMS position (None for a first contact), in one round trip."""
        caller_raw, state_raw = self.redis.mget(self.caller_key(number), self.sms_key(number))
        caller = Caller(**json.loads(caller_raw)) if caller_raw else None
        if caller is None or state_raw is None or caller.lang is None:
            return caller, None
        return caller, State(lang=caller.lang, **json.loads(state_raw))

    def save_sms(self, number, caller, state):
        """Keep the caller for a year (by default) and the position for a day, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.caller_key(number), json.dumps(asdict(caller)), ex=self.language_ttl)
        if state is None:
            pipe.delete(self.sms_key(number))
        else:
            position = {"node": state.node, "part": state.part}
            pipe.set(self.sms_key(number), json.dumps(position), ex=self.session_ttl)
        pipe.execute()
