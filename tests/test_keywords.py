"""Reading what patients text: keywords, numbers, typos, accents, language names."""

import pytest

from service.keywords import UNKNOWN, Intent, normalize


def test_normalize_folds_case_accents_and_punctuation():
    assert normalize("  ¡ATRÁS! ") == "atras"
    assert normalize("Tiếng Việt") == "tieng viet"
    assert normalize("Side-effects?") == "side effects"
    assert normalize("中文") == "中文"


@pytest.fixture
def index(app):
    return app.extensions["ntrk"].keywords


@pytest.mark.parametrize(("text", "intent"), [
    ("ABOUT", Intent("topic", "about")),
    ("side", Intent("topic", "side")),
    ("Side effects", Intent("topic", "side")),
    ("treatmnet", Intent("topic", "treat")),
    ("sidde", Intent("topic", "side")),
    ("more", Intent("command", "more")),
    ("MENU.", Intent("command", "menu")),
    ("3", Intent("number", 3)),
    (" 2. ", Intent("number", 2)),
    ("what about the side effects please", Intent("topic", "side")),
    ("Spanish", Intent("language", "es")),
    ("vietnamese", Intent("language", "vi")),
    ("asdfgh", UNKNOWN),
    ("", UNKNOWN),
    ("??", UNKNOWN),
])
def test_interpret_in_english(index, text, intent):
    assert index.interpret(text, "en") == intent


def test_universal_keywords_work_in_every_language(index, app):
    for code in app.extensions["ntrk"].catalogs.codes:
        assert index.interpret("TREAT", code) == Intent("topic", "treat")
        assert index.interpret("lang", code) == Intent("command", "lang")
