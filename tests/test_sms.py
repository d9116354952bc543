"""The SMS webhook end to end: signed requests in, TwiML out, state in a real Redis."""

import logging

import pytest
from conftest import Phone, free_port, make_config, post_signed, sign

from service import create_app
from service.sms import OPT_OUT

LANGUAGE_NAMES = ["English", "Español", "中文", "Tiếng Việt", "한국어", "Tagalog", "العربية",
                  "Русский", "Kreyòl ayisyen", "Français", "Português"]


def test_unsigned_and_wrongly_signed_requests_are_refused(client):
    params = {"From": "+15551230001", "Body": "hi"}
    assert client.post("/sms", data=params).status_code == 403
    bad = {"X-Twilio-Signature": sign("http://localhost/sms", params, token="other-token")}
    assert client.post("/sms", data=params, headers=bad).status_code == 403
    tampered = {"X-Twilio-Signature": sign("http://localhost/sms", params)}
    assert client.post("/sms", data={**params, "Body": "bye"}, headers=tampered).status_code == 403


def test_first_text_gets_welcome_disclaimer_languages_and_topics(phone):
    reply = phone.text("hello")
    assert "general information, not medical advice" in reply
    assert "911" in reply
    for number, name in enumerate(LANGUAGE_NAMES, start=1):
        assert f"\n{number} {name}\n" in reply + "\n"
    for word in ("ABOUT", "TEST", "TREAT", "SIDE", "ASK"):
        assert word in reply
    assert len(reply) <= 1600


def test_a_number_from_the_language_list_picks_the_language(phone):
    phone.text("hello")
    reply = phone.text("2")
    assert reply.startswith("De acuerdo")
    assert "\n1 " in reply and "\n5 " in reply


def test_texting_a_language_name_picks_it_without_accents_or_case(phone):
    phone.text("hi")
    assert phone.text("ESPANOL").startswith("De acuerdo")
    assert "larotrectinib" in phone.text("TREAT")


def test_language_choice_survives_a_restart_of_the_web_process(redis_url, redis_client):
    phone = Phone(create_app(make_config(redis_url)).test_client())
    phone.text("hi")
    phone.text("Español")
    restarted = Phone(create_app(make_config(redis_url)).test_client())
    reply = restarted.text("MENU")
    assert "Responda" in reply


def test_topics_by_keyword_with_more_and_back(phone):
    phone.text("hi")
    first = phone.text("SIDE")
    assert "911" in first
    assert "(1 of 5)" in first and "Reply MORE for more" in first
    second = phone.text("more")
    assert "(2 of 5)" in second
    assert phone.text("back") == first


def test_a_whole_topic_ends_with_the_menu_hint_and_returns_to_the_menu(phone):
    phone.text("hi")
    replies = [phone.text("ASK")]
    while "End of this topic" not in replies[-1]:
        replies.append(phone.text("MORE"))
        assert len(replies) < 10
    assert "What is the goal of this treatment?" in "\n".join(replies)
    assert "1 What an NTRK fusion is (ABOUT)" in phone.text("MORE")


def test_unknown_text_gets_a_friendly_answer_with_the_menu(phone):
    phone.text("hi")
    reply = phone.text("purple elephant")
    assert reply.startswith("Sorry, I did not understand that.")
    assert "\n2 Español\n" in reply and "\nASK: Questions for your doctor\n" in reply
    phone.text("1")
    reply = phone.text("purple elephant")
    assert reply.startswith("Sorry, I did not understand that.")
    assert "\n5 Questions for your doctor (ASK)\n" in reply


def test_a_typo_of_a_keyword_still_works(phone):
    phone.text("hi")
    assert "(1 of" in phone.text("TRAET")


def test_first_topic_reply_fits_three_sms_segments_in_english(phone):
    phone.text("hi")
    for word in ("ABOUT", "TEST", "TREAT", "SIDE", "ASK"):
        reply = phone.text(word)
        assert reply.isascii()
        assert len(reply) <= 3 * 153, (word, len(reply))


@pytest.mark.parametrize("word", sorted(OPT_OUT))
def test_opt_out_is_confirmed_and_then_nothing_is_sent_until_start(client, word):
    phone = Phone(client, number="+15557654321")
    phone.text("hi")
    assert "no more texts" in phone.text(word.lower())
    assert phone.text("MENU") is None
    assert phone.text("SIDE") is None
    back = phone.text("START")
    assert back.startswith("Texts from the NTRK Info Line are on again.")
    assert phone.text("TEST") is not None


def test_stop_inside_a_sentence_is_not_an_opt_out(phone):
    phone.text("hi")
    assert phone.text("how do I stop the diarrhea") is not None
    assert phone.text("MENU") is not None


def test_twilio_advanced_opt_out_parameter_is_honoured(phone):
    phone.text("hi")
    assert "no more texts" in phone.text("arrêt", OptOutType="STOP")
    assert phone.text("MENU") is None


def test_help_and_info_give_the_help_text_with_support_lines(phone):
    for word in ("HELP", "info"):
        reply = phone.text(word)
        assert "not medical advice" in reply and "STOP" in reply
        assert "(877) 422-2030" in reply


def test_support_lines_can_be_left_out(redis_url, redis_client):
    phone = Phone(create_app(make_config(redis_url, SHOW_SUPPORT_RESOURCES=False)).test_client())
    assert "422-2030" not in phone.text("HELP")


def test_redis_keys_hold_no_phone_number_and_expire(phone, redis_client):
    phone.text("hi")
    phone.text("2")
    keys = redis_client.keys("*")
    assert len(keys) == 2
    for key in keys:
        assert "5551230001" not in key and "5551230001" not in redis_client.get(key)
        assert key.startswith("ntrk:")
    caller_key = next(key for key in keys if ":caller:" in key)
    sms_key = next(key for key in keys if ":sms:" in key)
    assert 364 * 86400 < redis_client.ttl(caller_key) <= 365 * 86400
    assert 23 * 3600 < redis_client.ttl(sms_key) <= 24 * 3600


def test_without_redis_the_caller_still_gets_an_answer(redis_url, caplog):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    client = create_app(make_config(dead, REDIS_TIMEOUT_SECONDS=0.2)).test_client()
    phone = Phone(client)
    with caplog.at_level(logging.INFO):
        assert "(1 of 5)" in phone.text("TEST")
        assert "1 What an NTRK fusion is" in phone.text("hello")
    assert "Redis unavailable" in caplog.text
    assert "5551230001" not in caplog.text
    assert client.get("/healthz").status_code == 503


def test_healthz_answers_200_when_redis_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_an_oversized_post_is_refused_with_413(client):
    params = {"From": "+15551230001", "Body": "x" * 100_000}
    assert post_signed(client, "/sms", params).status_code == 413


def test_signature_over_the_public_url_behind_a_proxy(redis_url, redis_client):
    app = create_app(make_config(redis_url, PUBLIC_BASE_URL="https://line.example.org"))
    params = {"From": "+15551230001", "Body": "hi"}
    public = {"X-Twilio-Signature": sign("https://line.example.org/sms", params)}
    assert app.test_client().post("/sms", data=params, headers=public).status_code == 200
    assert post_signed(app.test_client(), "/sms", params).status_code == 403


def test_signature_with_proxy_fix_trusts_forwarded_scheme_and_host(redis_url, redis_client):
    app = create_app(make_config(redis_url, TRUSTED_PROXIES=1))
    params = {"From": "+15551230001", "Body": "hi"}
    headers = {"X-Twilio-Signature": sign("https://line.example.org/sms?x=1", params),
               "X-Forwarded-Proto": "https", "X-Forwarded-Host": "line.example.org"}
    assert app.test_client().post("/sms?x=1", data=params, headers=headers).status_code == 200


def test_a_bug_is_answered_with_an_apology_not_a_500(app, monkeypatch, phone):
    from service import sms_text

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(sms_text.SmsRenderer, "_part", broken)
    phone.text("hi")
    assert phone.text("TEST").startswith("Sorry, something went wrong")


def test_a_failed_read_does_not_overwrite_the_stored_language_or_opt_out(app, phone, monkeypatch):
    import redis

    phone.text("hi")
    phone.text("Español")
    store = app.extensions["ntrk"].store

    def unreachable(number):
        raise redis.ConnectionError("Redis went away for one read")

    with monkeypatch.context() as patch:
        patch.setattr(store, "load_sms", unreachable)
        assert "(1 of 5)" in phone.text("TEST")  # answered in the default language
    assert phone.text("MENU").startswith("Responda")  # the Spanish choice survived
    with monkeypatch.context() as patch:
        patch.setattr(store, "load_sms", unreachable)
        phone.text("STOP")
    assert phone.text("MENU") is None  # the opt-out was recorded all the same
