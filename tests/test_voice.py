"""The phone line end to end: calls followed as Twilio would, TwiML parsed, a real Redis."""

import logging
import shutil

import pytest
import yaml
from conftest import Phone, PhoneCall, free_port, make_config, post_signed, sign, spoken

from service import create_app
from service.calls import Call
from service.config import ROOT
from service.engine import State

ENGLISH = ("Polly.Joanna-Neural", "en-US")
SPANISH = ("Polly.Lupe-Neural", "es-US")


@pytest.fixture
def call(client):
    return PhoneCall(client)


def texts(root):
    return [say.text for say in spoken(root)]


def voice(line, code, name, **values):
    """A voice text as the language's catalog has it (English until translated)."""
    text = line.catalogs.text(code, line.flow.voice.get(name) or line.flow.strings.get(name))
    return text.format(**values) if values else text


def main_menu(line, code):
    options = [line.catalogs.text(code, line.flow.nodes[topic].voice_option).format(key=number)
               for number, topic in enumerate(line.flow.main_menu.options, start=1)]
    return [voice(line, code, "main_menu"), *options, voice(line, code, "menu_keys")]


def part(line, code, topic, index):
    return line.catalogs.text(code, line.flow.nodes[topic].parts[index].voice)


def in_english(call):
    call.dial()
    return call.press("1")


def test_unsigned_and_wrongly_signed_calls_are_refused(client):
    params = {"CallSid": "CA1", "From": "+15551230001"}
    for path in ("/voice", "/voice/gather"):
        assert client.post(path, data=params).status_code == 403
        bad = {"X-Twilio-Signature": sign(f"http://localhost{path}", params, token="other")}
        assert client.post(path, data=params, headers=bad).status_code == 403


def test_a_new_caller_hears_the_greeting_then_each_language_in_its_own_voice(call, line):
    says = spoken(call.dial())
    assert says[0][:3] == (*ENGLISH, voice(line, "en", "greeting"))
    assert "not medical advice" in says[0].text
    options = says[1:]
    assert len(options) == len(line.catalogs.codes) == 11
    for number, (code, say) in enumerate(zip(line.catalogs.codes, options, strict=True), start=1):
        language = line.catalogs.languages[code]
        expected = (language.voice, language.say_language) if language.voice else ENGLISH
        assert (say.voice, say.language) == expected, code
        assert say.text == voice(line, code, "language_option", key=number)
        assert str(number) in say.text
    assert options[1][:2] == SPANISH and options[1].text.startswith("Para español")


def test_the_language_menu_takes_two_digit_keys_and_language_names(call):
    gather = call.dial().find("Gather")
    assert gather.get("action") == "/voice/gather" and gather.get("method") == "POST"
    assert gather.get("input") == "dtmf speech" and gather.get("language") == "en-US"
    assert gather.get("numDigits") == "2"  # French is 10, Portuguese 11
    assert gather.get("finishOnKey") == "" and gather.get("actionOnEmptyResult") == "true"
    hints = gather.get("hints").split(", ")
    assert {"Español", "Spanish", "Tiếng Việt", "French"} <= set(hints)
    says = spoken(call.press("10"))
    assert {(say.voice, say.language) for say in says} == {("Polly.Lea-Neural", "fr-FR")}


def test_choosing_spanish_speaks_the_main_menu_in_spanish(call, line):
    call.dial()
    root = call.press("2")
    says = spoken(root)
    assert {(say.voice, say.language) for say in says} == {SPANISH}
    assert [say.text for say in says] == [voice(line, "es", "language_set"),
                                          *main_menu(line, "es")]
    assert says[0].text.startswith("De acuerdo")
    gather = root.find("Gather")
    assert gather.get("language") == "es-US" and gather.get("numDigits") == "1"
    assert gather.get("input") == "dtmf speech" and gather.get("finishOnKey") == ""
    assert int(gather.get("timeout")) >= 8
    hints = gather.get("hints").split(", ")
    side = line.flow.nodes["side"]
    assert set(line.catalogs.words("es", side.keywords)) <= set(hints)
    assert set(line.catalogs.words("es", line.flow.commands["menu"].words)) <= set(hints)


def test_every_language_speaks_with_its_own_voice_and_listens_in_its_own_language(client, line):
    for number, code in enumerate(line.catalogs.codes, start=1):
        language = line.catalogs.languages[code]
        call = PhoneCall(client, number=f"+1555000{number:04d}", sid=f"CA{number:032d}")
        call.dial()
        roots = [call.press(str(number)), call.press("4"), call.press("6")]
        for root in roots:
            pairs = {(say.voice, say.language) for say in spoken(root)}
            gather = root.find("Gather")
            if language.voice:
                assert pairs == {(language.voice, language.say_language)}, code
                assert gather.get("language") == language.speech_language
                assert gather.get("input") == "dtmf speech"
            else:  # Haitian Creole without recordings: told so in English, keypad only
                assert pairs == {ENGLISH}, code
                assert gather.get("input") == "dtmf" and gather.get("language") is None
                assert gather.get("hints") is None
        assert texts(roots[1])[0] == part(line, code if language.voice else "en", "side", 0)


def test_a_returning_caller_goes_straight_to_the_main_menu_in_their_language(client, line):
    first = PhoneCall(client, sid="CA" + "a" * 32)
    first.dial()
    first.press("2")
    again = PhoneCall(client, sid="CA" + "b" * 32)
    root = again.dial()
    says = spoken(root)
    assert {(say.voice, say.language) for say in says} == {SPANISH}
    assert [say.text for say in says] == [voice(line, "es", "greeting"), *main_menu(line, "es")]
    assert root.find("Gather").get("numDigits") == "1"


def test_pound_changes_the_language_and_the_new_choice_is_remembered(client, line):
    first = PhoneCall(client, sid="CA" + "a" * 32)
    first.dial()
    first.press("2")
    root = first.press("#")
    assert len(spoken(root)) == len(line.catalogs.codes)
    assert root.find("Gather").get("language") == "es-US"  # still heard in Spanish
    says = spoken(first.press("1"))
    assert says[0][:3] == (*ENGLISH, voice(line, "en", "language_set"))
    again = PhoneCall(client, sid="CA" + "b" * 32)
    assert spoken(again.dial())[1].text == "Main menu."


def test_a_language_chosen_by_text_is_used_when_calling(client, line):
    phone = Phone(client)
    phone.text("hi")
    phone.text("2")
    says = spoken(PhoneCall(client, number=phone.number).dial())
    assert says[0][:3] == (*SPANISH, voice(line, "es", "greeting"))


def test_a_language_chosen_by_phone_is_used_when_texting(client, line):
    call = PhoneCall(client)
    call.dial()
    call.press("2")
    reply = Phone(client, number=call.number).text("MENU")
    assert line.catalogs.text("es", line.flow.strings["menu_intro"]) in reply


def test_topic_keys_next_back_repeat_main_menu(call, line):
    in_english(call)
    first = texts(call.press("4"))
    assert first == [part(line, "en", "side", 0), voice(line, "en", "part_keys")]
    assert texts(call.press("6"))[0] == part(line, "en", "side", 1)
    assert texts(call.press("9"))[0] == part(line, "en", "side", 1)
    assert texts(call.press("*")) == first
    assert texts(call.press("2"))[0] == part(line, "en", "test", 0)
    assert texts(call.press("0")) == main_menu(line, "en")


def test_the_last_part_offers_the_text_and_the_next_key_returns_to_the_menu(call, line):
    in_english(call)
    said = texts(call.press("5"))
    for _ in range(len(line.flow.nodes["ask"].parts) - 1):
        assert said[-1] == voice(line, "en", "part_keys")
        said = texts(call.press("6"))
    assert said[-1] == voice(line, "en", "last_part_keys")
    assert texts(call.press("6")) == main_menu(line, "en")


def test_speech_works_like_keys(call, line):
    in_english(call)
    assert texts(call.say("I want side effects"))[0] == part(line, "en", "side", 0)
    assert texts(call.say("next"))[0] == part(line, "en", "side", 1)
    assert texts(call.say("6."))[0] == part(line, "en", "side", 2)  # "six", as Twilio writes it
    assert texts(call.say("help")) == [voice(line, "en", "menu_keys"),
                                       voice(line, "en", "part_keys")]
    assert texts(call.say("main menu")) == main_menu(line, "en")


def test_spanish_speech_is_understood(call, line):
    call.dial()
    call.press("2")
    assert texts(call.say("efectos secundarios"))[0] == part(line, "es", "side", 0)
    assert texts(call.say("repetir"))[0] == part(line, "es", "side", 0)


def test_speech_picks_a_language_from_the_language_menu(call, line):
    call.dial()
    says = spoken(call.say("Spanish"))
    assert says[0][:3] == (*SPANISH, voice(line, "es", "language_set"))


def test_speech_with_low_confidence_is_not_trusted(call, line):
    in_english(call)
    said = texts(call.say("side effects", confidence="0.05"))
    assert said == [voice(line, "en", "not_understood"), *main_menu(line, "en")]


def test_silence_re_prompts_twice_then_says_goodbye(call, line):
    in_english(call)
    call.press("4")
    for _ in range(2):
        root = call.wait()
        assert texts(root) == [voice(line, "en", "no_input"), voice(line, "en", "part_keys")]
        assert root.find("Gather") is not None
    root = call.wait()
    assert texts(root) == [voice(line, "en", "goodbye")]
    assert root.find("Gather") is None and root.find("Hangup") is not None


def test_wrong_input_re_prompts_then_offers_the_menu_then_says_goodbye(call, line):
    in_english(call)
    call.press("3")
    sorry, keys = voice(line, "en", "not_understood"), voice(line, "en", "part_keys")
    assert texts(call.say("purple elephant")) == [sorry, keys]
    assert texts(call.say("purple elephant")) == [sorry, keys]
    assert texts(call.say("purple elephant")) == [sorry, *main_menu(line, "en")]
    assert texts(call.press("7")) == [sorry, *main_menu(line, "en")]  # 7 texts a topic only
    assert texts(call.say("purple elephant")) == [sorry, *main_menu(line, "en")]
    root = call.say("purple elephant")
    assert texts(root) == [voice(line, "en", "goodbye")] and root.find("Hangup") is not None


def test_silence_after_wrong_input_ends_the_call_sooner(call, line):
    in_english(call)
    call.press("7")
    call.press("7")
    root = call.wait()
    assert texts(root) == [voice(line, "en", "goodbye")] and root.find("Hangup") is not None


def test_an_answer_resets_the_misses(call, line):
    in_english(call)
    call.wait()
    call.wait()
    call.press("1")
    call.wait()
    assert call.wait().find("Gather") is not None


def test_a_new_caller_who_cannot_choose_a_language_gets_the_english_menu(call, line):
    call.dial()
    for _ in range(2):
        assert len(spoken(call.press("42"))) == 1 + len(line.catalogs.codes)
    root = call.press("99")
    assert texts(root) == [voice(line, "en", "not_understood"), *main_menu(line, "en")]
    assert root.find("Gather").get("numDigits") == "1"


def test_slower_speech_stays_on_for_the_rest_of_the_call(call, line):
    in_english(call)
    assert {say.rate for say in spoken(call.press("4"))} == {None}
    says = spoken(call.press("8"))
    assert [say.text for say in says] == [
        voice(line, "en", "slower_on"), part(line, "en", "side", 0), voice(line, "en", "part_keys")]
    assert {say.rate for say in says} == {"slow"}
    for key in ("6", "0", "#", "2", "1"):
        says = spoken(call.press(key))
        assert says and {say.rate for say in says} == {"slow"}, key
    assert says[0][:2] == SPANISH


def test_haitian_creole_without_recordings_is_explained_in_english(call, line):
    call.dial()
    root = call.press("9")
    assert texts(root) == [voice(line, "en", "no_voice"), *main_menu(line, "en")]
    assert {(say.voice, say.language) for say in spoken(root)} == {ENGLISH}
    again = PhoneCall(call.client, sid="CA" + "c" * 32).dial()
    assert texts(again)[:2] == [voice(line, "en", "greeting"), voice(line, "en", "no_voice")]


@pytest.fixture
def recorded_app(redis_url, redis_client, tmp_path):
    """The line with recordings of the Haitian Creole texts at a base URL."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)  # copy2 keeps .mo newer than .po
    config = yaml.safe_load((locales / "languages.yaml").read_text(encoding="utf-8"))
    for language in config["languages"]:
        if language["code"] == "ht":
            language["audio_url"] = "https://audio.example.org/ht/"
    (locales / "languages.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return create_app(make_config(redis_url, LOCALES_DIR=str(locales)))


def test_haitian_creole_recordings_are_played(recorded_app):
    line = recorded_app.extensions["ntrk"]
    call = PhoneCall(recorded_app.test_client())
    plays = [play.text for play in call.dial().iter("Play")]
    assert plays == ["https://audio.example.org/ht/voice.language_option.mp3"]
    root = call.press("9")
    assert not spoken(root)
    audio = "https://audio.example.org/ht/"
    assert [play.text for play in root.iter("Play")] == [
        f"{audio}string.language_set.mp3", f"{audio}voice.main_menu.mp3",
        *(f"{audio}{topic}.voice_option.mp3" for topic in line.flow.main_menu.options),
        f"{audio}voice.menu_keys.mp3"]
    assert root.find("Gather").get("input") == "dtmf"
    plays = [play.text for play in call.press("1").iter("Play")]
    assert plays == [f"{audio}about.part1.voice.mp3", f"{audio}voice.part_keys.mp3"]


def test_call_state_is_kept_briefly_by_call_and_holds_no_number(call, redis_client):
    in_english(call)
    call.press("4")
    keys = redis_client.keys("*")
    call_key = f"ntrk:call:{call.sid}"
    assert call_key in keys and len(keys) == 2  # the call and the caller's language
    assert 3500 < redis_client.ttl(call_key) <= 3600
    for key in keys:
        assert call.number[1:] not in key and call.number[1:] not in redis_client.get(key)


def test_a_withheld_number_is_not_remembered(client, redis_client):
    anonymous = PhoneCall(client, number="+266696687", sid="CA" + "a" * 32)
    anonymous.dial()
    assert spoken(anonymous.press("2"))[0][:2] == SPANISH
    assert [key for key in redis_client.keys("*") if ":caller:" in key] == []
    another = PhoneCall(client, number="+266696687", sid="CA" + "b" * 32)
    assert len(spoken(another.dial())) == 1 + 11  # the language menu again


def test_a_state_from_before_a_deploy_falls_back_to_the_main_menu(call, line, redis_client):
    in_english(call)
    line.store.save_call(call.sid, Call(State("en", "gone", 3)))
    assert texts(call.press("9")) == main_menu(line, "en")


def test_without_redis_the_caller_hears_the_english_menu_and_topics(redis_url, caplog):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(make_config(dead, REDIS_TIMEOUT_SECONDS=0.2))
    line = app.extensions["ntrk"]
    call = PhoneCall(app.test_client())
    with caplog.at_level(logging.INFO):
        root = call.dial()
        assert texts(root) == [voice(line, "en", "greeting"), *main_menu(line, "en")]
        assert texts(call.press("4"))[0] == part(line, "en", "side", 0)
    assert "Redis unavailable" in caplog.text
    assert "5551230001" not in caplog.text


def test_a_bug_is_answered_with_an_apology_and_the_menu_not_a_500(call, line, monkeypatch):
    from service import voice_twiml

    def broken(*args):
        raise RuntimeError("boom")

    in_english(call)
    monkeypatch.setattr(voice_twiml.VoiceRenderer, "_keys", broken)
    root = call.press("4")
    assert texts(root) == [line.flow.strings["sorry_error"].text, *main_menu(line, "en")]
    assert root.find("Gather").get("action") == "/voice/gather"


def test_signature_over_the_public_url_for_the_gather_action(redis_url, redis_client):
    app = create_app(make_config(redis_url, PUBLIC_BASE_URL="https://line.example.org"))
    params = {"CallSid": "CA1", "From": "+15551230001", "Digits": "1"}
    public = {"X-Twilio-Signature": sign("https://line.example.org/voice/gather", params)}
    assert app.test_client().post("/voice/gather", data=params, headers=public).status_code == 200
    assert post_signed(app.test_client(), "/voice/gather", params).status_code == 403
