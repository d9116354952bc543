"""Fixtures: a private Redis server, the app on it, and phones that text or call with signatures."""

import shutil
import socket
import subprocess
import time
from typing import NamedTuple
from xml.etree import ElementTree

import pytest
import redis
from twilio.request_validator import RequestValidator

from service import create_app

AUTH_TOKEN = "test-auth-token"
SECRET = "test-secret-key"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A redis-server of our own, so tests never touch a shared one."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `make test` installs it")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    yield client
    client.flushdb()


def make_config(redis_url, **overrides):
    return {"TESTING": True, "REDIS_URL": redis_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "SECRET_KEY": SECRET, **overrides}


@pytest.fixture
def app(redis_url, redis_client):
    return create_app(make_config(redis_url))


@pytest.fixture
def client(app):
    return app.test_client()


def sign(url, params, token=AUTH_TOKEN):
    return RequestValidator(token).compute_signature(url, params)


def post_signed(client, path, params, base="http://localhost"):
    """POST form params the way Twilio does, signed over the full URL."""
    return client.post(path, data=params,
                       headers={"X-Twilio-Signature": sign(base + path, params)},
                       base_url=base)


class Phone:
    """A patient's phone texting the line."""

    def __init__(self, client, number="+15551230001"):
        self.client = client
        self.number = number

    def send(self, body, **extra):
        params = {"From": self.number, "To": "+15559870000", "Body": body,
                  "MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "0" * 32, **extra}
        return post_signed(self.client, "/sms", params)

    def text(self, body, **extra):
        """Send a text and return the reply's body, or None when no reply is sent."""
        response = self.send(body, **extra)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        root = ElementTree.fromstring(response.data)
        assert root.tag == "Response"
        messages = root.findall("Message")
        assert len(messages) <= 1
        return messages[0].text if messages else None


@pytest.fixture
def phone(client):
    return Phone(client)


class Spoken(NamedTuple):
    """One <Say>: its voice, language, words, and whether SSML prosody slows it down."""

    voice: str
    language: str
    text: str
    rate: str | None


def spoken(root):
    """Every <Say> of a TwiML response, in order."""
    says = []
    for say in root.iter("Say"):
        prosody = say.find("prosody")
        says.append(Spoken(say.get("voice"), say.get("language"), "".join(say.itertext()),
                           None if prosody is None else prosody.get("rate")))
    return says


class PhoneCall:
    """A caller on the phone line: every <Gather action> becomes the next signed request."""

    def __init__(self, client, number="+15551230001", sid="CA" + "1" * 32, to="+15559870000"):
        self.client = client
        self.number = number
        self.sid = sid
        self.to = to
        self.root = None

    def dial(self):
        return self._post("/voice", CallStatus="ringing")

    def press(self, digits):
        return self._follow(Digits=digits)

    def say(self, words, confidence="0.91"):
        return self._follow(SpeechResult=words, Confidence=confidence)

    def wait(self):
        """Silence: with actionOnEmptyResult Twilio posts neither Digits nor SpeechResult."""
        return self._follow()

    @property
    def gather(self):
        return self.root.find("Gather")

    def _follow(self, **params):
        assert self.gather is not None, "the call has ended"
        return self._post(self.gather.get("action"), **params)

    def _post(self, path, **params):
        params = {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32, "From": self.number,
                  "To": self.to, "CallStatus": "in-progress", "Direction": "inbound", **params}
        response = post_signed(self.client, path, params)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        self.root = ElementTree.fromstring(response.data)
        assert self.root.tag == "Response"
        return self.root


@pytest.fixture
def line(app):
    return app.extensions["ntrk"]
