"""The engine alone: pure steps from state and intent to state and outputs."""

from pathlib import Path

import pytest

from service.engine import LANGUAGES, Engine, Say, ShowLanguages, ShowMenu, ShowPart, State
from service.flows import load_flow
from service.keywords import UNKNOWN, Intent

FLOW = load_flow(Path(__file__).resolve().parent.parent / "flows")
CODES = ["en", "es", "vi"]


@pytest.fixture
def engine():
    return Engine(FLOW, CODES)


def test_first_contact_shows_welcome_languages_and_unnumbered_topics(engine):
    state, outputs = engine.welcome("en", UNKNOWN)
    assert state == State("en", LANGUAGES)
    assert outputs == [Say("welcome"), ShowLanguages(), ShowMenu(numbered=False)]


def test_first_contact_naming_a_language_answers_in_it(engine):
    state, outputs = engine.welcome("en", Intent("language", "vi"))
    assert state == State("vi")
    assert outputs == [Say("welcome"), ShowMenu()]


def test_a_number_picks_a_language_on_the_language_list_and_a_topic_elsewhere(engine):
    state, outputs = engine.step(State("en", LANGUAGES), Intent("number", 2))
    assert state == State("es") and outputs == [Say("language_set"), ShowMenu()]
    state, outputs = engine.step(state, Intent("number", 2))
    assert state == State("es", "test", 0) and outputs == [ShowPart("test", 0)]


def test_more_walks_a_topic_then_returns_to_the_menu(engine):
    state = State("en", "ask", 0)
    for index in range(1, len(FLOW.nodes["ask"].parts)):
        state, outputs = engine.step(state, Intent("command", "more"))
        assert outputs == [ShowPart("ask", index)]
    state, outputs = engine.step(state, Intent("command", "more"))
    assert state == State("en") and outputs == [ShowMenu()]


def test_back_goes_to_the_previous_part_then_the_menu(engine):
    state, outputs = engine.step(State("en", "side", 1), Intent("command", "back"))
    assert state == State("en", "side", 0) and outputs == [ShowPart("side", 0)]
    state, outputs = engine.step(state, Intent("command", "back"))
    assert state == State("en") and outputs == [ShowMenu()]


def test_unknown_input_is_answered_with_the_menu(engine):
    state, outputs = engine.step(State("en", "treat", 2), UNKNOWN)
    assert state == State("en") and outputs == [Say("not_understood"), ShowMenu()]


def test_unknown_input_on_the_language_list_shows_languages_and_topic_words(engine):
    state, outputs = engine.step(State("en", LANGUAGES), UNKNOWN)
    assert state == State("en", LANGUAGES)
    assert outputs == [Say("not_understood"), ShowLanguages(), ShowMenu(numbered=False)]


def test_out_of_range_numbers_are_not_understood(engine):
    assert engine.step(State("en", LANGUAGES), Intent("number", 9))[1][0] == Say("not_understood")
    assert engine.step(State("en"), Intent("number", 0))[1][0] == Say("not_understood")


def test_repeat_lang_help_and_menu(engine):
    here = State("en", "test", 1)
    assert engine.step(here, Intent("command", "repeat")) == (here, [ShowPart("test", 1)])
    assert engine.step(here, Intent("command", "help")) == (here, [Say("help")])
    assert engine.step(here, Intent("command", "lang")) == (State("en", LANGUAGES),
                                                            [ShowLanguages()])
    assert engine.step(here, Intent("command", "menu")) == (State("en"), [ShowMenu()])


def test_stale_states_are_recognised(engine):
    assert engine.is_valid(State("en", "test", 4))
    assert not engine.is_valid(State("en", "test", 99))
    assert not engine.is_valid(State("en", "gone"))
    assert not engine.is_valid(State("xx"))
