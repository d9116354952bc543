"""NTRK information line: Twilio webhooks for SMS and voice."""

import logging

from flask import Flask
from flask.sessions import SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, health, sms, voice
from .line import build_line


class NoCookieSessions(SessionInterface):
    """The webhooks keep state in Redis; SECRET_KEY must not make Flask sign cookies too."""

    def open_session(self, app, request):
        return None

    def save_session(self, app, session, response):
        return None


def create_app(test_config=None):
    """Build the app: defaults, then the environment, or the test dict instead of it."""
    app = Flask(__name__)
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment() if test_config is None else test_config)
    config.check_required(app.config)
    app.session_interface = NoCookieSessions()
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    if not app.debug:
        logging.basicConfig(level=logging.INFO)
    app.extensions["ntrk"] = build_line(app.config)
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(health.bp)
    return app
