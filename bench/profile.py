"""`make profile`: py-spy samples the line's workers while wrk loads one webhook.

Writes each worker's folded stacks (open them in speedscope or flamegraph.pl) to the results
folder and prints where the CPU goes: py-spy runs with --gil, so waiting on a socket or for
a request is left out, and the shares add up to what a worker computes.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from .run import VOICE_ROUTES, startup, write_pools
from .servers import ROOT, line_environment, private_redis, serving, web_command
from .wrk import run_wrk

# Frames are "function (path:line)"; the path is shortened to the project or the package.
_PREFIX = re.compile(r"\((?:[^()]*/site-packages/|[^()]*/lib/python3\.\d+/|" +
                     re.escape(str(ROOT)) + "/)")


def summarize(folded_lines, top=25):
    """(samples, [(share, frame)] inclusive, [(share, frame)] self) of py-spy's raw output:
    one "frame;frame;... count" line per distinct stack. Frames in every sample (the
    process's main loop) are left out of the inclusive list: they say nothing."""
    inclusive, own, total = Counter(), Counter(), 0
    for line in folded_lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        frames = [_PREFIX.sub("(", frame) for frame in stack.split(";")]
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)

    def shares(counter):
        return [(count / total, frame) for frame, count in counter.most_common(top)]

    trunk = [frame for frame, count in inclusive.items() if count == total]
    for frame in trunk:
        del inclusive[frame]
    return total, shares(inclusive), shares(own)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", choices=("sms", "voice"), default="sms")
    parser.add_argument("--duration", type=int, default=10, help="seconds of sampling")
    parser.add_argument("--rate", type=int, default=100, help="samples per second")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 60:
        parser.error("keep the load bounded: --duration 1-60 s")
    # py-spy comes with this venv (make profile installs it there).
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    tools = {tool: shutil.which(tool, path=path) for tool in ("wrk", "py-spy")}
    if missing := [tool for tool, found in tools.items() if found is None]:
        raise SystemExit(f"{', '.join(missing)} not installed (make profile installs them)")
    args.out.mkdir(parents=True, exist_ok=True)
    command = web_command((ROOT / "Procfile").read_text())
    with (tempfile.TemporaryDirectory(prefix="ntrk-profile-") as tmp,
          private_redis(tmp) as (_, redis_url)):
        tmp = Path(tmp)
        env = line_environment(redis_url, 2)
        start = startup(env, 1)
        if args.scenario == "voice" and not set(start["routes"]) >= VOICE_ROUTES:
            raise SystemExit("the app has no voice webhook")
        with serving(command, env, tmp / "line.log") as line:
            requests, warmup, _ = write_pools(tmp, {"line": line.url}, 2000,
                                              start["languages"],
                                              voice=args.scenario == "voice")[args.scenario]
            run_wrk(line.url, warmup, 2, args.connections)
            outputs = [args.out / f"profile-{args.scenario}-{pid}.folded"
                       for pid in line.workers()]
            spies = [subprocess.Popen([tools["py-spy"], "record", "--pid", str(pid), "--gil",
                                       "--rate", str(args.rate), "--duration",
                                       str(args.duration), "--format", "raw",
                                       "--output", str(output)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for pid, output in zip(line.workers(), outputs, strict=True)]
            load = run_wrk(line.url, requests, args.duration + 1, args.connections)
            for spy in spies:
                spy.wait(timeout=args.duration + 30)
    lines = [line for output in outputs if output.exists()
             for line in output.read_text().splitlines()]
    total, inclusive, own = summarize(lines, args.top)
    seconds = load["duration_us"] / 1e6
    print(f"{args.scenario}: {load['requests'] / seconds:.0f} requests/s while sampled "
          f"(py-spy slows the workers); {total} samples")
    print("inclusive (the frame or what it calls):")
    for share, frame in inclusive:
        print(f"  {share:6.1%}  {frame}")
    print("self (the frame itself):")
    for share, frame in own:
        print(f"  {share:6.1%}  {frame}")
    print("stacks: " + ", ".join(str(output) for output in outputs))


if __name__ == "__main__":
    main()
