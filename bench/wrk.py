"""Drive a server with wrk and bench/pool.lua, and read the summary the script prints."""

import json
import subprocess
from pathlib import Path

LUA = Path(__file__).resolve().parent / "pool.lua"


def run_wrk(url, pool_file, seconds, connections, threads=1, start=0):
    """Load `url` for `seconds` with the requests of `pool_file`, each thread skipping its
    first `start`; wrk's summary as a dict."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "5s", "-s", str(LUA), url, "--", str(pool_file), str(threads),
               str(start)]
    result = subprocess.run(command, capture_output=True, text=True, check=True,
                            timeout=seconds + 60)
    return parse_wrk(result.stdout)


def parse_wrk(output):
    """The JSON line that pool.lua's done() prints, as a dict."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no summary in wrk output:\n{output}")
