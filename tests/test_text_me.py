""""Text me this": the webhook queues, a real RQ worker sends to a local fake of Twilio's API."""

import base64
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import redis
from conftest import AUTH_TOKEN, SECRET, Phone, PhoneCall, make_config, spoken
from rq import Queue

from service import create_app
from service.text_me import BODY_LIMIT, pack, topic_texts

ACCOUNT = "AC" + "5" * 32
QUEUE = "test-texts"
SENDER = "+15550009999"
RQ = str(Path(sys.executable).parent / "rq")


class FakeTwilio(ThreadingHTTPServer):
    """Answers POST /2010-04-01/Accounts/{AC}/Messages.json as Twilio does, and keeps the posts."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), TwilioHandler)
        self.posts = []
        self.opted_out = set()  # answered 400, error 21610
        self.failing = set()  # answered 500

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}"


class TwilioHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        form = {key: values[0] for key, values in parse_qs(
            self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
            return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
        self.server.posts.append({**form, "Authorization": self.headers["Authorization"]})
        to = form["To"]
        if to in self.server.opted_out:
            # Twilio's message names the number: the worker must not pass it on to its logs.
            return self._answer(400, {"code": 21610, "status": 400,
                                      "message": f"Attempt to send to unsubscribed recipient {to}",
                                      "more_info": "https://www.twilio.com/docs/errors/21610"})
        if to in self.server.failing:
            return self._answer(500, {"code": 20500, "message": "Internal Server Error",
                                      "status": 500})
        return self._answer(201, {"sid": "SM" + "0" * 32, "account_sid": ACCOUNT, "to": to,
                                  "from": form["From"], "body": form["Body"], "status": "queued"})

    def _answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio():
    server = FakeTwilio()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def texting_app(redis_url, **overrides):
    settings = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TEXT_QUEUE": QUEUE, "TEXT_RETRY_SECONDS": 0,
                **overrides}
    return create_app(make_config(redis_url, **settings))


@pytest.fixture
def app(redis_url, redis_client):
    return texting_app(redis_url, TWILIO_FROM_NUMBER=SENDER)


def queue(redis_url):
    return Queue(QUEUE, connection=redis.Redis.from_url(redis_url))


def queued(redis_url):
    return queue(redis_url).count


def run_worker(redis_url, twilio):
    """A real `rq worker` process, as the Procfile runs it, until the queue is empty."""
    env = {"PATH": str(Path(sys.executable).parent), "REDIS_URL": redis_url,
           "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": SECRET,
           "TWILIO_API_BASE_URL": twilio.url}
    done = subprocess.run([RQ, "worker", "--burst", "--url", redis_url, QUEUE], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def text_me(call, topic_key, language_key="1"):
    call.dial()
    call.press(language_key)
    call.press(topic_key)
    return [say.text for say in spoken(call.press("7"))]


def voice(line, code, name):
    return line.catalogs.text(code, line.flow.voice[name])


def test_text_me_is_queued_by_the_webhook_and_sent_by_the_worker(client, line, redis_url,
                                                                   twilio):
    call = PhoneCall(client)
    said = text_me(call, "4")
    assert said == [voice(line, "en", "text_sent"), voice(line, "en", "part_keys")]
    bodies = topic_texts(line.catalogs, line.flow.nodes["side"], "en")
    assert twilio.posts == [] and queued(redis_url) == len(bodies)
    logs = run_worker(redis_url, twilio)
    assert [post["Body"] for post in twilio.posts] == bodies
    assert {(post["To"], post["From"]) for post in twilio.posts} == {(call.number, SENDER)}
    credentials = base64.b64encode(f"{ACCOUNT}:{AUTH_TOKEN}".encode()).decode()
    assert {post["Authorization"] for post in twilio.posts} == {f"Basic {credentials}"}
    sent = "\n\n".join(bodies)
    assert sent.startswith("Side effects\n\n")
    for part in line.flow.nodes["side"].parts:
        assert part.sms.text in sent
    assert call.number not in logs and call.number[1:] not in logs
    assert queued(redis_url) == 0


def test_texts_come_from_the_dialled_number_in_the_callers_language(redis_url, redis_client,
                                                                     twilio):
    app = texting_app(redis_url)
    line = app.extensions["ntrk"]
    call = PhoneCall(app.test_client())
    said = text_me(call, "5", language_key="2")
    assert said[0] == voice(line, "es", "text_sent")
    run_worker(redis_url, twilio)
    assert {post["From"] for post in twilio.posts} == {call.to}
    bodies = [post["Body"] for post in twilio.posts]
    assert bodies == topic_texts(line.catalogs, line.flow.nodes["ask"], "es")
    assert line.catalogs.text("es", line.flow.nodes["ask"].parts[0].sms) in bodies[0]
    assert all(len(body) <= BODY_LIMIT for body in bodies)


def test_the_three_questions_are_texted_from_the_questions_topic(client, redis_url, twilio):
    text_me(PhoneCall(client), "5")
    run_worker(redis_url, twilio)
    sent = "\n\n".join(post["Body"] for post in twilio.posts)
    for question in ("What is the goal of this treatment?",
                     "What are the possible side effects?", "What other options do I have?"):
        assert question in sent


def test_pressing_7_twice_sends_one_copy(client, line, redis_url):
    call = PhoneCall(client)
    text_me(call, "1")
    count = queued(redis_url)
    assert spoken(call.press("7"))[0].text == voice(line, "en", "text_sent")
    assert queued(redis_url) == count > 0


def test_a_number_that_texted_stop_gets_nothing_and_is_told_why(client, line, redis_url,
                                                                 twilio):
    Phone(client).text("STOP")
    said = text_me(PhoneCall(client), "2")
    assert said[0] == voice(line, "en", "text_opted_out")
    assert queued(redis_url) == 0
    run_worker(redis_url, twilio)
    assert twilio.posts == []


def test_twilio_21610_is_logged_without_the_number_not_retried_and_remembered(
        client, line, redis_url, twilio):
    call = PhoneCall(client)
    twilio.opted_out.add(call.number)
    text_me(call, "1")
    jobs = queued(redis_url)
    logs = run_worker(redis_url, twilio)
    assert len(twilio.posts) == jobs  # one try each, no retries
    assert "21610" in logs
    assert call.number not in logs and call.number[1:] not in logs
    call.press("2")
    assert spoken(call.press("7"))[0].text == voice(line, "en", "text_opted_out")


def test_server_errors_are_retried_a_few_times_then_dropped(client, redis_url, twilio):
    call = PhoneCall(client)
    twilio.failing.add(call.number)
    text_me(call, "3")
    jobs = queued(redis_url)
    logs = run_worker(redis_url, twilio)
    assert len(twilio.posts) == jobs * 3  # the first try and TEXT_MAX_RETRIES (2)
    assert "HTTP 500" in logs
    assert call.number not in logs and call.number[1:] not in logs
    assert queue(redis_url).failed_job_registry.count == jobs


def test_no_number_or_no_account_means_no_text(client, line, redis_url, redis_client):
    said = text_me(PhoneCall(client, number="+266696687"), "1")  # a withheld number
    assert said[0] == voice(line, "en", "text_unavailable")
    unconfigured = create_app(make_config(redis_url, TEXT_QUEUE=QUEUE))
    said = text_me(PhoneCall(unconfigured.test_client(), sid="CA" + "9" * 32), "1")
    assert said[0] == voice(line, "en", "text_unavailable")
    assert queued(redis_url) == 0


def test_haitian_creole_callers_get_the_topic_in_creole(client, line, redis_url, twilio):
    said = text_me(PhoneCall(client), "4", language_key="9")
    assert said[0] == line.flow.voice["text_sent"].text  # spoken in English: no Creole voice
    run_worker(redis_url, twilio)
    bodies = [post["Body"] for post in twilio.posts]
    assert bodies == topic_texts(line.catalogs, line.flow.nodes["side"], "ht")


def test_every_topic_in_every_language_fits_twilio_bodies(line):
    for code in line.catalogs.codes:
        for topic in line.flow.topics:
            bodies = topic_texts(line.catalogs, topic, code)
            assert bodies and all(len(body) <= BODY_LIMIT for body in bodies), (code, topic.id)
            for part in topic.parts:
                assert line.catalogs.text(code, part.sms) in "\n\n".join(bodies)


def test_pack_fills_bodies_and_splits_only_an_oversized_block():
    assert pack(["a" * 10, "b" * 10, "c" * 10], limit=25) == ["a" * 10 + "\n\n" + "b" * 10,
                                                                "c" * 10]
    long = " ".join(["word"] * 20)  # 99 characters
    bodies = pack(["title", long], limit=40)
    assert all(len(body) <= 40 for body in bodies)
    assert " ".join(" ".join(bodies).split()) == f"title {long}"
