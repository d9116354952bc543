"""`make bench`: the Procfile's web command against a private Redis, loaded by wrk.

Scenarios, on 127.0.0.1 only and for a bounded time each: the floor (a bare Flask app on the
same gunicorn settings), sms-minimum (the least any SMS webhook must do: bench/minimum.py),
the signed SMS webhook from many callers, and the voice webhook and its Gather actions.
Prints requests/s, p50/p99 latency, errors, the ratio to the floor, peak memory per worker and
CPU time per request, plus start-up time with every language loaded.
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

from . import pool
from .servers import (
    APP_SPEC,
    FLOOR_SPEC,
    MINIMUM_SPEC,
    ROOT,
    TOKEN,
    cpu_seconds,
    line_environment,
    machine_jiffies,
    private_redis,
    serving,
    web_command,
)
from .wrk import run_wrk

# The targets on a 2-core machine.
MIN_FLOOR_RATIO = 0.6
MAX_P99_MS = 50
MAX_STARTUP_S = 2.0
MAX_WORKER_MB = 80
VOICE_ROUTES = {"/voice", "/voice/gather"}
# Scenarios that are yardsticks, not the line: no targets for them.
REFERENCES = {"floor", "sms-minimum"}


@dataclass
class Scenario:
    name: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    p99_worst_ms: float
    errors: dict
    cpu_ms_per_request: dict
    machine_idle_pct: float = 0.0
    machine_stolen_pct: float = 0.0
    worker_peak_rss_mb: list = field(default_factory=list)
    worker_pss_mb: list = field(default_factory=list)
    floor_ratio: float | None = None

    @property
    def error_count(self):
        return sum(self.errors.values())


@dataclass(frozen=True)
class Slice:
    """One wrk run: its summary, the errors the server logged meanwhile, CPU seconds spent by
    the workers, Redis and wrk."""

    summary: dict
    logged_errors: int
    cpu_seconds: dict
    machine: tuple = (0, 0, 0)  # idle, stolen, total clock ticks (servers.machine_jiffies)


def combine(name, slices):
    """A scenario from its slices: all requests over all the time; the median of the slices'
    p50 and p99 (one slice hit by a neighbour's load does not decide), and the worst p99;
    errors and CPU time summed."""
    requests = sum(piece.summary["requests"] for piece in slices)
    seconds = sum(piece.summary["duration_us"] for piece in slices) / 1e6
    errors = {kind: sum(piece.summary["errors"][kind] for piece in slices)
              for kind in slices[0].summary["errors"]}
    errors["logged"] = sum(piece.logged_errors for piece in slices)
    cpu = {part: round(sum(piece.cpu_seconds[part] for piece in slices) * 1000
                       / max(1, requests), 3) for part in slices[0].cpu_seconds}
    p50s, p99s = ([piece.summary["latency_us"][p] / 1000 for piece in slices]
                  for p in ("p50", "p99"))
    idle, stolen, total = (sum(piece.machine[i] for piece in slices) for i in range(3))
    return Scenario(name, requests / seconds, statistics.median(p50s), statistics.median(p99s),
                    max(p99s), errors, cpu, round(100 * idle / max(1, total), 1),
                    round(100 * stolen / max(1, total), 1))


def count_logged_errors(log_text):
    """Lines of a server log that report an error or a traceback (a webhook that caught a bug
    still answers 200, so wrk alone would not see it)."""
    return sum(1 for line in log_text.splitlines()
               if re.search(r"\bERROR\b|Traceback|CRITICAL", line))


def evaluate(scenarios, startup_s):
    """(target, measured, met) for every target of the issue."""
    checks = []
    for scenario in scenarios:
        if scenario.name in REFERENCES:
            continue
        peak = max(scenario.worker_peak_rss_mb)
        checks += [
            (f"{scenario.name}: >= {MIN_FLOOR_RATIO} of floor throughput",
             f"{scenario.floor_ratio:.2f}", scenario.floor_ratio >= MIN_FLOOR_RATIO),
            (f"{scenario.name}: p99 < {MAX_P99_MS} ms", f"{scenario.p99_ms:.1f} ms",
             scenario.p99_ms < MAX_P99_MS),
            (f"{scenario.name}: no errors", str(scenario.error_count), scenario.error_count == 0),
            (f"{scenario.name}: memory per worker < {MAX_WORKER_MB} MB",
             f"{peak:.1f} MB peak RSS", peak < MAX_WORKER_MB),
        ]
    checks.append((f"start-up with all languages < {MAX_STARTUP_S} s", f"{startup_s:.2f} s",
                   startup_s < MAX_STARTUP_S))
    return checks


def check_reply(url, request):
    """POST one pooled request and require a 200 with TwiML, before loading the server."""
    http = urllib.request.Request(url + request.path, data=request.body.encode(),
                                  headers={"X-Twilio-Signature": request.signature})
    try:
        with urllib.request.urlopen(http, timeout=5) as response:
            root = ElementTree.fromstring(response.read())
    except urllib.error.HTTPError as error:
        message = f"{url}{request.path} answered HTTP {error.code} to a signed request"
        raise SystemExit(message) from error
    if root.tag != "Response":
        raise SystemExit(f"{url}{request.path} did not answer TwiML")


def load(server, redis_pid, pool_file, seconds, args, start=0):
    """One slice of load on a server, from request `start` of each wrk thread's share."""
    logged_before = count_logged_errors(server.log_text())
    redis_stat = Path(f"/proc/{redis_pid}/stat")
    machine = Path("/proc/stat")
    before = (server.cpu_seconds(), cpu_seconds(redis_stat.read_text()), _children_cpu())
    machine_before = machine_jiffies(machine.read_text())
    summary = run_wrk(server.url, pool_file, seconds, args.connections, args.threads, start)
    machine_after = machine_jiffies(machine.read_text())
    after = (server.cpu_seconds(), cpu_seconds(redis_stat.read_text()), _children_cpu())
    return Slice(summary, count_logged_errors(server.log_text()) - logged_before,
                 {part: end - begin for part, begin, end
                  in zip(("workers", "redis", "wrk"), before, after, strict=True)},
                 tuple(end - begin for begin, end
                       in zip(machine_before, machine_after, strict=True)))


def measure(targets, pools, redis_pid, args):
    """Every scenario, each first checked and warmed up on callers of its own, then loaded in
    `rounds` slices taken in turn, so that a change in the machine's load over the run
    weighs on every scenario alike rather than on one."""
    for name, (_, warmup, first) in pools.items():
        check_reply(targets[name].url, first)
        run_wrk(targets[name].url, warmup, args.warmup, args.connections, args.threads)
    slices = {name: [] for name in pools}
    for _ in range(args.rounds):
        for name, (requests, _, _) in pools.items():
            done = sum(piece.summary["requests"] for piece in slices[name])
            slices[name].append(load(targets[name], redis_pid, requests,
                                     args.duration // args.rounds, args,
                                     start=done // args.threads))
    scenarios = [combine(name, pieces) for name, pieces in slices.items()]
    for scenario in scenarios:
        server = targets[scenario.name]
        scenario.worker_peak_rss_mb, scenario.worker_pss_mb = server.worker_memory()
        scenario.floor_ratio = scenario.requests_per_s / scenarios[0].requests_per_s
    return scenarios


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_pools(directory, urls, callers, languages, voice):
    """Pool files per scenario: (measured pool, warm-up pool, first request), signed for the
    URL of the server that gets it (`urls`: floor, sms-minimum, line; those given). Every pool
    has callers of its own, so each scenario starts with new numbers and calls. The floor and
    sms-minimum get the SMS texts, so every server receives the same bodies."""
    warm = max(64, callers // 10)
    scenarios = {}
    for number, (name, server) in enumerate((("floor", "floor"), ("sms-minimum", "sms-minimum"),
                                             ("sms", "line"), ("voice", "line"))):
        if server not in urls or (name == "voice" and not voice):
            continue
        make = pool.voice_pool if name == "voice" else pool.sms_pool
        first = 1_000_000 * (2 * number + 1)
        scenarios[name] = (make(urls[server], TOKEN, callers, languages, first=first),
                           make(urls[server], TOKEN, warm, languages, first=first + 1_000_000))
    pools = {}
    for name, (requests, warmup) in scenarios.items():
        pools[name] = (directory / f"{name}.pool", directory / f"{name}-warmup.pool",
                       requests[0])
        pool.write_pool(pools[name][0], requests)
        pool.write_pool(pools[name][1], warmup)
    return pools


STARTUP_SNIPPET = """
import json, time
started = time.perf_counter()
from service import create_app
imported = time.perf_counter()
app = create_app()
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "create_app_s": done - imported,
                  "languages": len(app.extensions["ntrk"].catalogs.codes),
                  "routes": sorted(rule.rule for rule in app.url_map.iter_rules())}))
"""


def startup(env, runs):
    """Import + create_app in fresh interpreters: median and max over `runs`."""
    samples = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", STARTUP_SNIPPET], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        if result.returncode:
            raise SystemExit(f"create_app() failed:\n{result.stderr}")
        samples.append(json.loads(result.stdout.strip().splitlines()[-1]))
    totals = [sample["import_s"] + sample["create_app_s"] for sample in samples]
    return {"runs": runs, "median_s": statistics.median(totals), "max_s": max(totals),
            "create_app_median_s": statistics.median(s["create_app_s"] for s in samples),
            "languages": samples[-1]["languages"], "routes": samples[-1]["routes"]}


def report(scenarios, start, checks, meta):
    print(f"\nNTRK line benchmark, {meta['date']}, {meta['cores']} cores, "
          f"{meta['command']} with WEB_CONCURRENCY={meta['workers']}, wrk "
          f"{meta['connections']} connections, {meta['duration_s']} s per scenario in "
          f"{meta['rounds']} slices")
    print(f"{'scenario':<12}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'(worst)':>8}{'errors':>7}"
          f"{'vs floor':>9}  {'peak RSS/worker MB':<20}{'CPU ms/req: workers, redis, wrk':<33}"
          f"idle, stolen %")
    for s in scenarios:
        rss = " / ".join(f"{mb:.1f}" for mb in s.worker_peak_rss_mb)
        cpu = ", ".join(f"{ms:.2f}" for ms in s.cpu_ms_per_request.values())
        print(f"{s.name:<12}{s.requests_per_s:>7.0f}{s.p50_ms:>8.1f}{s.p99_ms:>8.1f}"
              f"{s.p99_worst_ms:>8.1f}{s.error_count:>7}{s.floor_ratio:>9.2f}  {rss:<20}{cpu:<33}"
              f"{s.machine_idle_pct:.0f}, {s.machine_stolen_pct:.0f}")
    print(f"start-up (import + create_app, {start['languages']} languages): median "
          f"{start['median_s']:.2f} s, max {start['max_s']:.2f} s over {start['runs']} runs "
          f"(create_app alone {start['create_app_median_s']:.2f} s); gunicorn to first answer "
          f"{meta['server_ready_s']:.2f} s")
    print("targets:")
    for target, measured, met in checks:
        print(f"  {'met   ' if met else 'MISSED'} {target}: {measured}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=12, help="seconds per scenario")
    parser.add_argument("--rounds", type=int, default=3,
                        help="slices per scenario, taken in turn (each duration/rounds s)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--callers", type=int, default=2000, help="distinct callers per pool")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 60 or not 0 <= args.warmup <= 10:
        parser.error("keep the load bounded: --duration 1-60 s, --warmup 0-10 s")
    if not 1 <= args.rounds <= args.duration:
        parser.error("--rounds: 1 to --duration (slices of whole seconds)")
    args.callers = -(-args.callers // args.threads) * args.threads  # one thread per caller
    return args


def main(argv=None):
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make bench installs it)")
    command = web_command((ROOT / "Procfile").read_text())
    args.out.mkdir(parents=True, exist_ok=True)
    with (tempfile.TemporaryDirectory(prefix="ntrk-bench-") as tmp,
          private_redis(tmp) as (redis_process, redis_url)):
        tmp = Path(tmp)
        env = line_environment(redis_url, args.workers)
        start = startup(env, args.startup_runs)
        logs = {"floor": tmp / "floor.log", "sms-minimum": tmp / "sms-minimum.log",
                "line": tmp / "line.log"}
        try:
            with (serving(command.replace(APP_SPEC, FLOOR_SPEC), env, logs["floor"]) as floor,
                  serving(command.replace(APP_SPEC, MINIMUM_SPEC), env,
                          logs["sms-minimum"]) as minimum,
                  serving(command, env, logs["line"]) as line):
                servers = {"floor": floor, "sms-minimum": minimum, "line": line}
                pools = write_pools(tmp, {name: server.url for name, server in servers.items()},
                                    args.callers, start["languages"],
                                    voice=set(start["routes"]) >= VOICE_ROUTES)
                targets = {name: servers.get(name, line) for name in pools}
                scenarios = measure(targets, pools, redis_process.pid, args)
                ready_s = line.ready_s
        finally:
            for log in logs.values():
                if log.exists():
                    shutil.copy(log, args.out / log.name)
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "cores": os.cpu_count(),
            "workers": args.workers, "command": command, "connections": args.connections,
            "duration_s": args.duration, "rounds": args.rounds, "server_ready_s": ready_s,
            "callers": args.callers}
    checks = evaluate(scenarios, start["median_s"])
    report(scenarios, start, checks, meta)
    results = {"meta": meta, "startup": start, "targets": checks,
               "scenarios": [asdict(s) for s in scenarios]}
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {args.out / 'latest.json'} (server logs beside it)")
    if args.check and not all(met for _, _, met in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
