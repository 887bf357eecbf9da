"""Test harness: starts the built `stratus` binary on free loopback ports with a
temporary data directory, waits until every region is ready, and stops it.

The binary is $STRATUS_BIN, else build/stratus in the repository.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("STRATUS_BIN", os.path.join(ROOT, "build", "stratus"))

ACCESS_KEY = "AKIAE2ETESTADMIN0001"
SECRET_KEY = "e2eSecretKeyForStratusTests0123456789abc"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stratus:
    """One stratus process serving `regions` from a config it writes."""

    def __init__(self, workdir, regions, limits=None, secret=SECRET_KEY):
        self.workdir = str(workdir)
        self.data = os.path.join(self.workdir, "data")
        self.config = os.path.join(self.workdir, "stratus.toml")
        self.regions = {name: {"aws": free_port(), "app": free_port()} for name in regions}
        self.proc = None
        self.stdout_path = os.path.join(self.workdir, "stdout.log")
        self.stderr_path = os.path.join(self.workdir, "stderr.log")
        lines = ['[server]', 'log_level = "info"', 'threads = 2', '']
        lines += ["[limits]"] + [f"{k} = {v}" for k, v in (limits or {}).items()] + [""]
        lines += ["[admin]", f'access_key_id = "{ACCESS_KEY}"']
        if secret:
            lines.append(f'secret_access_key = "{secret}"')
        for name, ports in self.regions.items():
            lines += ["", "[[regions]]", f'name = "{name}"',
                      f'endpoint = "127.0.0.1:{ports["aws"]}"',
                      f'app_endpoint = "127.0.0.1:{ports["app"]}"']
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def endpoint(self, region, listener="aws"):
        return f"http://127.0.0.1:{self.regions[region][listener]}"

    def start(self, timeout=15):
        self.stdout = open(self.stdout_path, "ab")
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--config", self.config, "--data", self.data],
            stdout=self.stdout, stderr=self.stderr, cwd=self.workdir)
        deadline = time.time() + timeout
        for region in self.regions:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"stratus exited with {self.proc.returncode}: {self.logs()}")
                try:
                    with urllib.request.urlopen(self.endpoint(region) + "/_stratus/ready", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.time() > deadline:
                    raise RuntimeError(f"region {region} not ready in {timeout}s: {self.logs()}")
                time.sleep(0.02)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Sends `sig` and waits; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.stdout.close()
            self.stderr.close()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.stdout.close()
        self.stderr.close()

    def logs(self):
        out = []
        for p in (self.stdout_path, self.stderr_path):
            if os.path.exists(p):
                with open(p, "rb") as f:
                    out.append(f.read().decode(errors="replace")[-4000:])
        return "\n".join(out)

    def metrics(self, region):
        """Parses /_stratus/metrics into {(name, frozenset(labels)): value}."""
        with urllib.request.urlopen(self.endpoint(region) + "/_stratus/metrics", timeout=5) as r:
            text = r.read().decode()
        return parse_prometheus(text)


def parse_prometheus(text):
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, value = line.rsplit(" ", 1)
        if "{" in name_labels:
            name, rest = name_labels.split("{", 1)
            labels = []
            for part in split_labels(rest.rstrip("}")):
                k, v = part.split("=", 1)
                labels.append((k, v.strip('"')))
        else:
            name, labels = name_labels, []
        series[(name, frozenset(labels))] = float(value)
    return series


def split_labels(s):
    parts, cur, quoted = [], "", False
    for ch in s:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts


def metric(series, name, **labels):
    """Sum of the series named `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in series.items() if n == name and want <= set(ls))


@pytest.fixture
def stratus_factory(tmp_path):
    started = []

    def make(regions=("ap-south-1", "ap-southeast-1"), limits=None, secret=SECRET_KEY, subdir="s"):
        os.makedirs(tmp_path / subdir, exist_ok=True)
        s = Stratus(tmp_path / subdir, regions, limits, secret)
        started.append(s)
        return s

    yield make
    for s in started:
        if s.proc is not None and s.proc.poll() is None:
            s.kill9()


@pytest.fixture
def stratus(stratus_factory):
    """Two regions, started."""
    return stratus_factory().start()


@pytest.fixture
def aws_env(monkeypatch):
    """Environment for aws CLI subprocesses: our credentials, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
    })
    return env
