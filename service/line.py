"""The line's parts that live as long as the app: flow, catalogs, keywords, engine, store."""

from dataclasses import dataclass

from flask import current_app

from .engine import Engine
from .flows import Flow, load_flow
from .i18n import Catalogs
from .keywords import KeywordIndex
from .sessions import SessionStore, connect


@dataclass(frozen=True)
class Line:
    flow: Flow
    catalogs: Catalogs
    keywords: KeywordIndex
    engine: Engine
    store: SessionStore
    show_resources: bool


def build_line(config):
    """Load and check everything once; a bad flow or catalog stops start-up here."""
    flow = load_flow(config["FLOWS_DIR"])
    catalogs = Catalogs(config["LOCALES_DIR"])
    store = SessionStore(connect(config), config["REDIS_PREFIX"], config["SECRET_KEY"],
                         config["LANGUAGE_TTL_DAYS"] * 86400, config["SESSION_TTL_HOURS"] * 3600)
    return Line(flow, catalogs, KeywordIndex(flow, catalogs), Engine(flow, catalogs.codes), store,
                config["SHOW_SUPPORT_RESOURCES"])


def current_line():
    return current_app.extensions["ntrk"]
