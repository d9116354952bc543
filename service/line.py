"""What lives as long as the app: flow, catalogs, keywords, engine, store, calls, outbox."""

from dataclasses import dataclass

from flask import current_app

from .calls import CallFlow
from .engine import Engine
from .flows import Flow, load_flow
from .i18n import Catalogs
from .keywords import KeywordIndex
from .sessions import SessionStore
from .text_me import Outbox


@dataclass(frozen=True)
class Line:
    flow: Flow
    catalogs: Catalogs
    keywords: KeywordIndex
    engine: Engine
    store: SessionStore
    show_resources: bool
    calls: CallFlow
    outbox: Outbox


def build_line(config):
    """Load and check everything once; a bad flow or catalog stops start-up here."""
    flow = load_flow(config["FLOWS_DIR"])
    catalogs = Catalogs(config["LOCALES_DIR"])
    keywords, engine = KeywordIndex(flow, catalogs), Engine(flow, catalogs.codes)
    calls = CallFlow(engine, keywords, config["VOICE_MAX_MISSES"], config["SPEECH_MIN_CONFIDENCE"])
    return Line(flow, catalogs, keywords, engine, SessionStore.from_config(config),
                config["SHOW_SUPPORT_RESOURCES"], calls, Outbox(config))


def current_line():
    return current_app.extensions["ntrk"]
