"""The floor: a bare Flask app answering every POST with one fixed TwiML reply.

Served by the same gunicorn command as the line, it shows what the server, Flask and
the machine cost on their own; the line's webhooks are measured as a ratio of it.
"""

from flask import Flask, Response
from twilio.twiml.messaging_response import MessagingResponse


def _reply():
    response = MessagingResponse()
    response.message("NTRK Info Line: reply MENU for the topics.")
    return str(response)


REPLY = _reply()


def create_app():
    app = Flask(__name__)

    @app.post("/", defaults={"path": ""})
    @app.post("/<path:path>")
    def reply(path):
        return Response(REPLY, mimetype="text/xml")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
