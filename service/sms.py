"""The SMS webhook: a text in, one reply out (or none for a number that opted out)."""

from functools import lru_cache

import redis
from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from .engine import Say, State
from .line import current_line
from .sessions import Caller
from .sms_text import SmsRenderer
from .twilio_auth import twilio_signed

# Twilio's own keywords; they act only as the whole message.
OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN = {"START", "YES", "UNSTOP"}
HELP = {"HELP", "INFO"}

bp = Blueprint("sms", __name__)


def converse(line, caller, state, body):
    """The caller's new record, position and what to tell them, for one message."""
    word = body.strip().upper()
    lang = caller.lang if caller and caller.lang else line.catalogs.source
    if word in OPT_OUT:
        return Caller(lang, opted_out=True), state, [Say("opted_out")]
    if word in OPT_IN:
        state = state or State(lang)
        return Caller(lang), state, [Say("opted_in"), *line.engine.current(state)]
    if caller and caller.opted_out:
        return caller, state, []
    if word in HELP:
        return caller or Caller(lang), state or State(lang), [Say("help")]
    intent = line.keywords.interpret(body, lang)
    if caller is None:
        state, outputs = line.engine.welcome(lang, intent)
    else:
        state, outputs = line.engine.step(state or State(lang), intent)
    return Caller(state.lang), state, outputs


def twiml(text):
    return Response(_twiml_body(text), mimetype="text/xml")


@lru_cache(maxsize=1024)
def _twiml_body(text):
    # Replies come from a finite set of rendered texts: serialize each one once.
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)


def renderer(line):
    """The app's SmsRenderer, kept with the line it renders (it caches replies)."""
    cached = current_app.extensions.get("ntrk.sms")
    if cached is None or cached.line is not line:
        cached = current_app.extensions["ntrk.sms"] = SmsRenderer(line)
    return cached


@bp.post("/sms")
@twilio_signed
def incoming_sms():
    line = current_line()
    number, body = request.form.get("From", ""), request.form.get("Body", "")
    opt_out_type = request.form.get("OptOutType", "")
    try:
        caller, state = line.store.load_sms(number)
        loaded = True
        if state is not None and not line.engine.is_valid(state):
            state = None
    except redis.RedisError as error:
        # Answer from a blank state rather than not at all: a topic word still works.
        current_app.logger.error("Redis unavailable, answering without state: %s", error)
        caller, state, loaded = Caller(line.catalogs.source), None, False
    caller, state, outputs = converse(line, caller, state, opt_out_type or body)
    # A blank record must not overwrite the stored one (its language, its opt-out);
    # an opt-out is worth recording even so.
    if loaded or caller.opted_out:
        try:
            line.store.save_sms(number, caller, state)
        except redis.RedisError as error:
            current_app.logger.error("Redis unavailable, state not saved: %s", error)
    return twiml(renderer(line).render(caller.lang, outputs))


@bp.errorhandler(Exception)
def never_fail_twilio(error):
    """A bug must not leave a patient with silence: log it and say sorry."""
    if isinstance(error, HTTPException):
        return error
    current_app.logger.exception("SMS webhook failed")
    line = current_line()
    return twiml(renderer(line).string(line.catalogs.source, "sorry_error"))
