"""The voice webhooks: a call answered with menus to press or speak, one <Gather> per turn."""

import re
from dataclasses import replace

import redis
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from .calls import Call, TextMe
from .engine import Say, ShowMenu, State
from .line import current_line
from .sessions import Caller
from .text_me import topic_texts
from .twilio_auth import twilio_signed
from .voice_twiml import VoiceRenderer

# Twilio sends a withheld caller ID as a word or as that word's keypad digits
# (ANONYMOUS: +266696687); a word is no number anyway, the digits look like one.
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
_WITHHELD = {"+" + word.translate(_KEYPAD) for word in
             ("ANONYMOUS", "RESTRICTED", "UNKNOWN", "BLOCKED", "UNAVAILABLE", "PRIVATE")}
_E164 = re.compile(r"\+[1-9]\d{6,14}")

bp = Blueprint("voice", __name__)


def caller_number(form):
    """The number we may remember and text, or None (withheld, a SIP or client call)."""
    number = form.get("From", "").strip()
    return number if _E164.fullmatch(number) and number not in _WITHHELD else None


@bp.post("/voice")
@twilio_signed
def incoming_call():
    line, sid, number = current_line(), request.form.get("CallSid", ""), caller_number(request.form)
    caller, _, stored = _load(line, sid, number)
    known = caller.lang if caller and caller.lang in line.catalogs.languages else None
    # Without Redis a language choice would be forgotten at once: the default language's menu.
    call, outputs = line.calls.start(known if stored else line.catalogs.source,
                                     line.catalogs.source)
    _save(line, sid, call)
    return _twiml(line, call, outputs)


@bp.post("/voice/gather")
@twilio_signed
def gathered():
    line, sid, number = current_line(), request.form.get("CallSid", ""), caller_number(request.form)
    caller, call, stored = _load(line, sid, number)
    if call is None or not line.engine.is_valid(call.state):
        # Expired, lost with Redis, or from before a deploy: the main menu still helps.
        known = caller.lang if caller and caller.lang in line.catalogs.languages else None
        call = Call(State(known or line.catalogs.source))
    call, outputs = line.calls.answer(call, request.form.get("Digits"),
                                      request.form.get("SpeechResult"), _confidence(request.form))
    resolved = []
    for output in outputs:
        if isinstance(output, TextMe):
            # Without Redis neither an opt-out can be checked nor a text queued.
            call, key = (_text_me(line, call, caller, number, output.topic) if stored
                         else (call, "text_unavailable"))
            output = Say(key)
        resolved.append(output)
    if stored and number and Say("language_set") in resolved:  # shared with SMS from now on
        caller = Caller(call.state.lang, caller.opted_out if caller else False)
        _save(line, sid, call, number, caller)
    else:
        _save(line, sid, call)
    return _twiml(line, call, resolved)


def _text_me(line, call, caller, number, topic):
    """Queue the topic for the worker; the voice string that tells the caller what happened."""
    if caller and caller.opted_out:
        return call, "text_opted_out"
    if topic in call.texted:  # pressed twice: one copy is enough
        return call, "text_sent"
    sender = line.outbox.sender or request.form.get("To")
    if not (number and sender and line.outbox.enabled):
        return call, "text_unavailable"
    try:
        line.outbox.send(number, sender, topic_texts(line.catalogs, line.flow.nodes[topic],
                                                     call.state.lang))
    except redis.RedisError as error:
        current_app.logger.error("Redis unavailable, text not queued: %s", error)
        return call, "text_unavailable"
    return replace(call, texted=(*call.texted, topic)), "text_sent"


def _confidence(form):
    try:
        return float(form["Confidence"])
    except (KeyError, ValueError):
        return None


def _load(line, sid, number):
    """The caller, the call, and whether Redis answered (else a blank state is served)."""
    try:
        return *line.store.load_call(sid, number), True
    except redis.RedisError as error:
        current_app.logger.error("Redis unavailable, answering without state: %s", error)
        return None, None, False


def _save(line, sid, call, number=None, caller=None):
    try:
        line.store.save_call(sid, call, number, caller)
    except redis.RedisError as error:
        current_app.logger.error("Redis unavailable, call state not saved: %s", error)


def _renderer(line):
    """The app's VoiceRenderer, kept with the line it renders (it caches turns)."""
    cached = current_app.extensions.get("ntrk.voice")
    if cached is None or cached.line is not line:
        cached = current_app.extensions["ntrk.voice"] = VoiceRenderer(line, current_app.config)
    return cached


def _twiml(line, call, outputs):
    twiml = _renderer(line).render(call, outputs, url_for("voice.gathered"))
    return Response(twiml, mimetype="text/xml")


@bp.errorhandler(Exception)
def never_fail_twilio(error):
    """A bug must not hang up on a caller: log it, apologise, offer the main menu."""
    if isinstance(error, HTTPException):
        return error
    current_app.logger.exception("Voice webhook failed")
    line = current_line()
    return _twiml(line, Call(State(line.catalogs.source)), [Say("sorry_error"), ShowMenu()])
