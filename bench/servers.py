"""The processes a benchmark runs: a private Redis and the Procfile's gunicorn, and what
/proc says about them (memory, CPU time)."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_SPEC = "'service:create_app()'"
FLOOR_SPEC = "'bench.floor:create_app()'"
MINIMUM_SPEC = "'bench.minimum:create_app()'"
TOKEN = "bench-auth-token"
SECRET = "bench-secret-key"


def web_command(procfile_text, app_spec=APP_SPEC, host="127.0.0.1"):
    """The gunicorn command of the Procfile's web line, bound to `host`, serving `app_spec`.

    The catalogs are compiled once by make beforehand, so only the part after the last `&&`
    is run; the floor swaps in its own app and keeps every other setting.
    """
    for line in procfile_text.splitlines():
        if line.startswith("web:"):
            command = line.removeprefix("web:").split("&&")[-1].strip()
            break
    else:
        raise ValueError("Procfile has no web: line")
    if not command.startswith("gunicorn ") or APP_SPEC not in command:
        raise ValueError(f"Procfile web command is not gunicorn serving {APP_SPEC}: {command}")
    return command.replace("0.0.0.0", host).replace(APP_SPEC, app_spec)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"{what} did not come up within {timeout} s")


def _answers_ping(port):
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


@contextmanager
def private_redis(workdir):
    """A redis-server of our own on a free loopback port, like the tests': (process, URL)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (make bench installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _answers_ping(port), "redis-server")
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def line_environment(redis_url, workers):
    """The environment the web command runs in: this venv's gunicorn on PATH, as the platform
    puts its own, the private Redis, benchmark secrets and WEB_CONCURRENCY."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "REDIS_URL": redis_url, "TWILIO_AUTH_TOKEN": TOKEN,
            "SECRET_KEY": SECRET, "WEB_CONCURRENCY": str(workers), "PUBLIC_BASE_URL": "",
            "TRUSTED_PROXIES": "0"}


class Server:
    """One gunicorn master and its workers, in its own process group, logging to a file."""

    def __init__(self, command, env, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}"
        self._started = time.perf_counter()
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT,
                                            env={**env, "PORT": str(self.port)},
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.ready_s = None

    def wait_ready(self):
        """Wait for /healthz to answer 200; the time from spawn to then is `ready_s`."""
        wait_until(self._healthy, f"the server (see {self.log_path})")
        self.ready_s = time.perf_counter() - self._started

    def _healthy(self):
        if self.process.poll() is not None:
            raise SystemExit(f"server exited; see {self.log_path}")
        with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
            return response.status == 200

    def workers(self):
        pid = self.process.pid
        return [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def worker_memory(self):
        """([peak RSS MB], [PSS MB]) of each worker."""
        figures = [memory_mb(Path(f"/proc/{pid}/status").read_text(),
                             _read(Path(f"/proc/{pid}/smaps_rollup")))
                   for pid in self.workers()]
        return [peak for peak, _ in figures], [pss for _, pss in figures]

    def cpu_seconds(self):
        return sum(cpu_seconds(Path(f"/proc/{pid}/stat").read_text()) for pid in self.workers())

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@contextmanager
def serving(command, env, log_path):
    """A Server that is ready on entry and stopped, with its workers, on exit."""
    server = Server(command, env, log_path)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return ""


def memory_mb(status_text, smaps_rollup_text=""):
    """(peak RSS, proportional set size) in MB from /proc/PID/status and smaps_rollup."""
    peak = re.search(r"^VmHWM:\s+(\d+) kB", status_text, re.M)
    pss = re.search(r"^Pss:\s+(\d+) kB", smaps_rollup_text, re.M)
    return (int(peak.group(1)) / 1024 if peak else None,
            int(pss.group(1)) / 1024 if pss else None)


def cpu_seconds(stat_text):
    """User + system CPU seconds of a process, from /proc/PID/stat."""
    fields = stat_text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_jiffies(proc_stat_text):
    """(idle, stolen, total) clock ticks of all CPUs since boot, from /proc/stat: over a slice,
    idle time means the load did not fill the machine, stolen time that the host gave the CPUs
    to another guest (a shared machine)."""
    fields = [int(value) for value in proc_stat_text.splitlines()[0].split()[1:]]
    return fields[3] + fields[4], fields[7] if len(fields) > 7 else 0, sum(fields[:8])
