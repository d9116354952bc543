"""Caller preferences and conversation positions in Redis, keyed without phone numbers."""

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, replace

import redis

from .calls import Call
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
    """Every key is built here: the prefix, then a keyed hash of the number or the call's id."""

    def __init__(self, client, prefix, secret, language_ttl_seconds, session_ttl_seconds,
                 call_ttl_seconds):
        self.redis = client
        self.prefix = prefix
        self._secret = secret.encode()
        self.language_ttl = language_ttl_seconds
        self.session_ttl = session_ttl_seconds
        self.call_ttl = call_ttl_seconds

    @classmethod
    def from_config(cls, config):
        return cls(connect(config), config["REDIS_PREFIX"], config["SECRET_KEY"],
                   config["LANGUAGE_TTL_DAYS"] * 86400, config["SESSION_TTL_HOURS"] * 3600,
                   config["CALL_TTL_MINUTES"] * 60)

    def caller_id(self, number):
        """A stable pseudonym for a phone number; the number itself is never stored."""
        return hmac.new(self._secret, number.encode(), hashlib.sha256).hexdigest()[:32]

    def caller_key(self, number):
        return f"{self.prefix}caller:{self.caller_id(number)}"

    def sms_keys(self, number):
        """The caller's record and SMS position keys, hashing the number once."""
        caller = self.caller_id(number)
        return f"{self.prefix}caller:{caller}", f"{self.prefix}sms:{caller}"

    def call_key(self, call_sid):
        # A CallSid names a call, not a person, and the key lives for minutes.
        return f"{self.prefix}call:{call_sid}"

    def load_sms(self, number):
        """The caller and their SMS position (None for a first contact), in one round trip."""
        caller_raw, state_raw = self.redis.mget(self.sms_keys(number))
        caller = Caller(**json.loads(caller_raw)) if caller_raw else None
        if caller is None or state_raw is None or caller.lang is None:
            return caller, None
        return caller, State(lang=caller.lang, **json.loads(state_raw))

    def save_sms(self, number, caller, state):
        """Keep the caller for a year (by default) and the position for a day, in one round trip."""
        caller_key, sms_key = self.sms_keys(number)
        pipe = self.redis.pipeline(transaction=False)
        record = {"lang": caller.lang, "opted_out": caller.opted_out}
        pipe.set(caller_key, json.dumps(record), ex=self.language_ttl)
        if state is None:
            pipe.delete(sms_key)
        else:
            position = {"node": state.node, "part": state.part}
            pipe.set(sms_key, json.dumps(position), ex=self.session_ttl)
        pipe.execute()

    def load_call(self, call_sid, number):
        """The caller (None: unknown or withheld) and the call, in one round trip."""
        keys = [self.call_key(call_sid)] + ([self.caller_key(number)] if number else [])
        call_raw, *caller_raw = self.redis.mget(keys)
        caller = Caller(**json.loads(caller_raw[0])) if caller_raw and caller_raw[0] else None
        if call_raw is None:
            return caller, None
        data = json.loads(call_raw)
        return caller, Call(State(**data["state"]), data["slow"], data["misses"],
                            tuple(data["texted"]))

    def save_call(self, call_sid, call, number=None, caller=None):
        """Keep the call for minutes and, when given, the caller for as long as after a text."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.call_key(call_sid), json.dumps(asdict(call)), ex=self.call_ttl)
        if number and caller:
            pipe.set(self.caller_key(number), json.dumps(asdict(caller)), ex=self.language_ttl)
        pipe.execute()

    def mark_opted_out(self, number):
        """Record an opt-out that Twilio reported (error 21610), keeping the caller's language."""
        raw = self.redis.get(self.caller_key(number))
        caller = Caller(**json.loads(raw)) if raw else Caller()
        self.redis.set(self.caller_key(number), json.dumps(asdict(replace(caller, opted_out=True))),
                       ex=self.language_ttl)
