"""The least an SMS webhook must do, served like the floor: parse the form, check one Twilio
signature, key the number with one HMAC, read the caller's two keys in one MGET and write them
back in one pipeline, answer a fixed TwiML reply.

Measured beside the line, it shows how close to the floor an SMS webhook on this stack
(Flask, twilio, redis-py, gunicorn) can get at all; what the line costs beyond it is its own.
"""

import hashlib
import hmac
import os

import redis
from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator

from .floor import REPLY


def create_app():
    app = Flask(__name__)
    store = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=0.5,
                                 decode_responses=True)
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    secret = os.environ["SECRET_KEY"].encode()

    @app.post("/sms")
    def sms():
        signature = request.headers.get("X-Twilio-Signature", "")
        if not hmac.compare_digest(validator.compute_signature(request.url, request.form),
                                   signature):
            abort(403)
        caller = hmac.new(secret, request.form["From"].encode(), hashlib.sha256).hexdigest()
        keys = (f"bench:caller:{caller}", f"bench:sms:{caller}")
        store.mget(keys)
        pipe = store.pipeline(transaction=False)
        pipe.set(keys[0], '{"lang": "en", "opted_out": false}', ex=3600)
        pipe.set(keys[1], '{"node": "main", "part": 0}', ex=3600)
        pipe.execute()
        return Response(REPLY, mimetype="text/xml")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
