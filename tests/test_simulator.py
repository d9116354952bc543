"""The terminal simulator texts a real HTTP server with valid signatures."""

import io
import threading

import pytest
from conftest import AUTH_TOKEN
from werkzeug.serving import make_server

from service.simulator import SignedPoster, chat, send_text


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
