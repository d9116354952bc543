"""The terminal simulator texts and calls a real HTTP server with valid signatures."""

import io
import threading

import pytest
from conftest import AUTH_TOKEN
from werkzeug.serving import make_server

from service.simulator import SignedPoster, caller_input, chat, place_call, send_text


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_simulator_gets_the_welcome_and_a_topic(served):
    poster = SignedPoster(served, AUTH_TOKEN)
    assert "not medical advice" in send_text(poster, "+15550001111", "hello")[0]
    assert "(1 of 5)" in send_text(poster, "+15550001111", "SIDE")[0]


def test_chat_prints_replies_and_marks_silence(served):
    out = io.StringIO()
    chat(SignedPoster(served, AUTH_TOKEN), "+15550002222", ["hi\n", "STOP\n", "MENU\n"], out)
    transcript = out.getvalue()
    assert "not medical advice" in transcript
    assert "no more texts" in transcript
    assert "(no reply)" in transcript


def test_a_wrong_token_is_reported_clearly(served):
    with pytest.raises(SystemExit, match="HTTP 403"):
        send_text(SignedPoster(served, "wrong-token"), "+15550003333", "hi")


def test_typed_lines_become_keys_speech_or_silence():
    assert caller_input("4\n") == {"Digits": "4"}
    assert caller_input("#") == {"Digits": "#"}
    assert caller_input('"side effects"\n') == {"SpeechResult": "side effects", "Confidence": "0.9"}
    assert caller_input("say: efectos secundarios") == {"SpeechResult": "efectos secundarios",
                                                       "Confidence": "0.9"}
    assert caller_input("\n") == {}


def test_a_simulated_call_prints_what_each_voice_says_and_follows_the_gathers(served):
    out = io.StringIO()
    typed = ["2\n", "say: efectos secundarios\n", "8\n", "\n", "\n", "\n"]
    place_call(SignedPoster(served, AUTH_TOKEN), "+15550004444", typed, out)
    transcript = out.getvalue()
    assert "[Polly.Joanna-Neural en-US] Hello. This is the NTRK Info Line." in transcript
    assert "[Polly.Lupe-Neural es-US] Para español" in transcript
    assert "[Polly.Lupe-Neural es-US, slower]" in transcript
    assert "[keys or speech (es-US)]> " in transcript
    assert transcript.rstrip().endswith("(the line hung up)")


def test_hanging_up_ends_a_simulated_call(served):
    out = io.StringIO()
    place_call(SignedPoster(served, AUTH_TOKEN), "+15550005555", [], out)
    assert "[keys or speech (en-US)]> " in out.getvalue()
    assert out.getvalue().rstrip().endswith("(you hung up)")
