"""The benchmark's helpers: signed request pools, the Procfile command, what is read back.

Nothing here is timed; `make bench` measures.
"""

import os
from itertools import pairwise
from urllib.parse import parse_qsl
from xml.etree import ElementTree

import pytest
from twilio.request_validator import RequestValidator

from bench import floor, minimum, pool
from bench.profile import summarize
from bench.run import Scenario, Slice, combine, count_logged_errors, evaluate
from bench.servers import APP_SPEC, FLOOR_SPEC, cpu_seconds, machine_jiffies, memory_mb, web_command
from bench.wrk import parse_wrk

BASE = "http://127.0.0.1:8123"
TOKEN = "pool-token"


def form(request):
    return dict(parse_qsl(request.body, keep_blank_values=True))


@pytest.mark.parametrize("make", [pool.sms_pool, pool.voice_pool])
def test_every_pooled_request_carries_a_valid_twilio_signature(make):
    validator = RequestValidator(TOKEN)
    requests = make(BASE, TOKEN, callers=7, languages=11)
    assert requests
    for request in requests:
        assert validator.validate(BASE + request.path, form(request), request.signature)


def test_a_signature_does_not_validate_another_body_or_token():
    request = pool.sms_pool(BASE, TOKEN, callers=1, languages=11)[0]
    assert not RequestValidator(TOKEN).validate(BASE + request.path,
                                                {**form(request), "Body": "other"},
                                                request.signature)
    assert not RequestValidator("other-token").validate(BASE + request.path, form(request),
                                                        request.signature)


def test_sms_pool_interleaves_distinct_callers_each_in_script_order():
    requests = pool.sms_pool(BASE, TOKEN, callers=4, languages=3, first=10)
    senders = [form(request)["From"] for request in requests]
    assert senders[:4] == [pool.caller_number(index) for index in range(10, 14)]
    assert all(a != b for a, b in pairwise(senders))
    bodies = [form(request)["Body"] for request in requests if form(request)["From"] == senders[1]]
    assert bodies[0] == pool.SMS_SCRIPT[0] and len(bodies) == len(pool.SMS_SCRIPT)
    assert bodies[1] == "3"  # caller 11 picks language 11 % 3 + 1
    assert len({form(request)["MessageSid"] for request in requests}) == len(requests)


def test_voice_pool_dials_then_presses_keys_on_the_gather_action():
    requests = pool.voice_pool(BASE, TOKEN, callers=2, languages=11)
    calls = {}
    for request in requests:
        calls.setdefault(form(request)["CallSid"], []).append(request)
    assert len(calls) == 2
    for call in calls.values():
        assert call[0].path == "/voice" and "Digits" not in form(call[0])
        assert [r.path for r in call[1:]] == ["/voice/gather"] * len(pool.VOICE_KEYS)
        assert "7" not in [form(r)["Digits"] for r in call[1:]]


def test_a_pool_file_holds_one_request_per_line_as_pool_lua_reads_it(tmp_path):
    requests = pool.sms_pool(BASE, TOKEN, callers=3, languages=11)
    path = tmp_path / "sms.pool"
    pool.write_pool(path, requests)
    lines = path.read_text().splitlines()
    assert len(lines) == len(requests)
    for line, request in zip(lines, requests, strict=True):
        path_, signature, body = line.split("\t")  # pool.lua: path, signature, body
        assert pool.SignedRequest(path_, body, signature) == request


PROCFILE = ("web: pybabel compile -d locales -D messages && gunicorn --bind 0.0.0.0:$PORT "
            "--workers ${WEB_CONCURRENCY:-2} 'service:create_app()'\nworker: rq worker\n")


def test_the_benchmark_runs_the_procfile_gunicorn_command_on_loopback():
    assert web_command(PROCFILE) == ("gunicorn --bind 127.0.0.1:$PORT --workers "
                                     "${WEB_CONCURRENCY:-2} 'service:create_app()'")
    assert web_command(PROCFILE, FLOOR_SPEC).endswith(FLOOR_SPEC)
    assert APP_SPEC not in web_command(PROCFILE, FLOOR_SPEC)


@pytest.mark.parametrize("procfile", ["worker: rq worker\n", "web: waitress-serve app:app\n"])
def test_a_procfile_the_benchmark_cannot_run_is_refused(procfile):
    with pytest.raises(ValueError, match="Procfile"):
        web_command(procfile)


def test_the_floor_answers_any_post_with_fixed_twiml():
    client = floor.create_app().test_client()
    for path in ("/sms", "/voice/gather"):
        response = client.post(path, data={"Body": "hi"})
        assert response.status_code == 200 and response.mimetype == "text/xml"
        root = ElementTree.fromstring(response.data)
        assert root.tag == "Response" and len(root.findall("Message")) == 1
    assert client.get("/healthz").status_code == 200


def test_sms_minimum_checks_the_signature_and_keeps_two_keys_without_the_number(
        monkeypatch, redis_url, redis_client):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("SECRET_KEY", "bench-secret")
    client = minimum.create_app().test_client()
    request = pool.sms_pool("http://localhost", TOKEN, callers=1, languages=11)[0]
    headers = {"X-Twilio-Signature": request.signature}
    response = client.post("/sms", data=form(request), headers=headers)
    assert response.status_code == 200
    assert ElementTree.fromstring(response.data).find("Message") is not None
    keys = redis_client.keys("*")
    assert len(keys) == 2 and not any(form(request)["From"][1:] in key for key in keys)
    tampered = {**form(request), "Body": "other"}
    assert client.post("/sms", data=tampered, headers=headers).status_code == 403


def test_memory_and_cpu_are_read_from_proc_texts():
    status = "Name:\tgunicorn\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n"
    assert memory_mb(status, "Rss: 40960 kB\nPss:    20480 kB\n") == (50.0, 20.0)
    assert memory_mb("Name: x\n") == (None, None)
    stat = "123 (gunicorn: worker [x y]) S 1 2 3 4 5 6 7 8 9 10 " + "250 150 0 0 20 0 1"
    assert cpu_seconds(stat) * os.sysconf("SC_CLK_TCK") == 400
    machine = "cpu  100 0 50 700 30 0 10 60 0 0\ncpu0 50 0 25 350 15 0 5 30 0 0\n"
    assert machine_jiffies(machine) == (730, 60, 950)


WRK_OUTPUT = """Running 4s test @ http://127.0.0.1:1
{"requests": 2500, "duration_us": 4000000, "bytes": 1, "errors": {"connect": 0, "read": 0, \
"write": 0, "status": 2, "timeout": 0}, "latency_us": {"p50": 4000, "p90": 6000, \
"p99": 12500, "max": 20000, "mean": 4200.0}}
"""


def test_wrk_prints_one_json_summary_line():
    summary = parse_wrk(WRK_OUTPUT)
    assert summary["requests"] == 2500 and summary["latency_us"]["p99"] == 12500
    with pytest.raises(ValueError, match="no summary"):
        parse_wrk("Running 1s test\n")


def test_slices_combine_into_one_scenario():
    first = parse_wrk(WRK_OUTPUT)
    second = {**first, "requests": 1500, "errors": {**first["errors"], "status": 0},
              "latency_us": {**first["latency_us"], "p50": 6000, "p99": 30000}}
    third = {**first, "latency_us": {**first["latency_us"], "p50": 5000}}
    cpu = {"workers": 2.0, "redis": 0.5, "wrk": 0.25}
    scenario = combine("sms", [Slice(first, 1, cpu, (10, 0, 800)),
                               Slice(second, 0, cpu, (30, 20, 800)),
                               Slice(third, 0, cpu, (20, 4, 800))])
    assert scenario.requests_per_s == 6500 / 12
    assert (scenario.p50_ms, scenario.p99_ms, scenario.p99_worst_ms) == (5.0, 12.5, 30.0)
    assert scenario.errors["status"] == 4 and scenario.error_count == 5
    assert scenario.cpu_ms_per_request == {"workers": 0.923, "redis": 0.231, "wrk": 0.115}
    assert (scenario.machine_idle_pct, scenario.machine_stolen_pct) == (2.5, 1.0)


def test_logged_errors_count_errors_and_tracebacks_not_warnings():
    log = ("[2026-01-01] [7] [INFO] Booting worker\nERROR:service.sms:SMS webhook failed\n"
           "Traceback (most recent call last):\nWARNING:service:rejected /sms\n")
    assert count_logged_errors(log) == 2


def test_targets_are_judged_against_the_floor():
    floor_run = Scenario("floor", 1000, 5, 10, 10, {"status": 0}, {})
    bound = Scenario("sms-minimum", 500, 20, 60, 60, {"status": 0}, {},
                     worker_peak_rss_mb=[40, 40], floor_ratio=0.5)
    fast = Scenario("sms", 700, 8, 30, 70, {"status": 0}, {}, worker_peak_rss_mb=[50, 52],
                    floor_ratio=0.7)
    slow = Scenario("voice", 500, 20, 60, 60, {"status": 1}, {}, worker_peak_rss_mb=[90, 52],
                    floor_ratio=0.5)
    checks = evaluate([floor_run, bound, fast, slow], startup_s=2.5)
    met = {target: ok for target, _, ok in checks}
    assert not [target for target in met if target.startswith(("floor", "sms-minimum"))]
    assert [ok for target, ok in met.items() if target.startswith("sms")] == [True] * 4
    assert [ok for target, ok in met.items() if target.startswith("voice")] == [False] * 4
    assert met["start-up with all languages < 2.0 s"] is False


def test_profile_summary_gives_inclusive_and_self_shares():
    folded = ["main (/srv/app.py:1);handle (/x/site-packages/flask/app.py:2) 3",
              "main (/srv/app.py:1) 1", "", "main (/srv/app.py:1);load (/srv/db.py:9) 4"]
    total, inclusive, own = summarize(folded)
    assert total == 8
    assert inclusive == [(0.5, "load (/srv/db.py:9)"), (3 / 8, "handle (flask/app.py:2)")]
    assert own[0] == (0.5, "load (/srv/db.py:9)")
    assert (1 / 8, "main (/srv/app.py:1)") in own
