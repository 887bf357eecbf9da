#!/usr/bin/env python3
"""Start-up time and idle memory of a multi-region stratus process.

Used by bench/run; runnable on its own:

    bench/startup.py --stratus build/stratus --config FILE --work DIR --starts 5

For each start it execs `stratus serve --config FILE --data DIR` and measures

  * external ready time: wall time from just before exec until every region's
    AWS endpoint answers GET /_stratus/ready with 200 (each endpoint is polled
    about every millisecond over a raw loopback socket);
  * the banner's own "Ready in N ms" (measured inside the process from static
    initialisation, so it excludes exec and dynamic loading);
  * idle RSS: VmRSS from /proc/PID/status after `--idle` seconds of idling once
    ready;
  * stop time: SIGTERM to exit.

"cold" starts use a fresh data directory each time; "warm" starts reuse one
data directory that an earlier start initialised. Prints one JSON object on
stdout. Exits non-zero only when the process cannot be started or measured
(an infrastructure failure), never because a number is large. Every loop is
bounded in time and the child is always killed on the way out.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HOST = "127.0.0.1"  # the only address this script ever touches

_children = []


def _terminate_children():
    for p in _children:
        if p.poll() is None:
            try:
                p.kill()
            except OSError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def _on_signal(signum, _frame):
    _terminate_children()
    sys.exit(128 + signum)


class InfraError(Exception):
    pass


def endpoints_from_config(path):
    """The AWS endpoints ("127.0.0.1:PORT") of every [[regions]] in the config."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*endpoint\s*=\s*"([^"]+)"', line)
            if m:
                host, port = m.group(1).rsplit(":", 1)
                if host != HOST:
                    raise InfraError(f"endpoint {m.group(1)} is not on {HOST}")
                out.append(int(port))
    if not out:
        raise InfraError(f"no endpoint in {path}")
    return out


def probe_ready(port, timeout=0.25):
    """HTTP status of GET /_stratus/ready on HOST:port, or None if not answering."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b"GET /_stratus/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n" not in data and len(data) < 64:
                chunk = s.recv(64)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else None


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise InfraError(f"no VmRSS for pid {pid}")


def one_start(stratus, config, data_dir, ports, idle_seconds, deadline_seconds, log_path):
    stdout_path = log_path + ".out"
    with open(stdout_path, "wb") as out, open(log_path + ".err", "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen([stratus, "serve", "--config", config, "--data", data_dir],
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _children.append(p)
        try:
            pending = set(ports)
            deadline = t0 + deadline_seconds
            while pending:
                if p.poll() is not None:
                    raise InfraError(f"stratus exited with {p.returncode} before ready; see {log_path}.err")
                if time.monotonic() > deadline:
                    raise InfraError(f"not ready after {deadline_seconds} s: ports {sorted(pending)}")
                for port in list(pending):
                    if probe_ready(port) == 200:
                        pending.discard(port)
                if pending:
                    time.sleep(0.001)
            ready_ms = (time.monotonic() - t0) * 1000.0

            # The banner is printed (and flushed) just after the listeners start;
            # give it a moment if the probe won the race.
            banner_ms = None
            banner_deadline = time.monotonic() + 5
            while banner_ms is None and time.monotonic() < banner_deadline:
                with open(stdout_path, "rb") as f:
                    m = re.search(rb"Ready in (\d+) ms", f.read())
                if m:
                    banner_ms = int(m.group(1))
                else:
                    time.sleep(0.01)
            if banner_ms is None:
                raise InfraError(f"no 'Ready in N ms' in {stdout_path}")

            time.sleep(idle_seconds)
            rss_kib = vm_rss_kib(p.pid)

            t1 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            try:
                code = p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                raise InfraError("stratus did not stop within 30 s of SIGTERM")
            stop_ms = (time.monotonic() - t1) * 1000.0
            if code != 0:
                raise InfraError(f"stratus exited with {code} after SIGTERM; see {log_path}.err")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
    return {"ready_ms": round(ready_ms, 1), "banner_ms": banner_ms,
            "idle_rss_mib": round(rss_kib / 1024.0, 1), "stop_ms": round(stop_ms, 1)}


def summarize(runs):
    keys = runs[0].keys()
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stratus", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--work", required=True, help="scratch directory for data dirs and logs")
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--idle", type=float, default=2.0, help="seconds idle before reading VmRSS")
    ap.add_argument("--deadline", type=float, default=30.0, help="max seconds to wait for ready")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    try:
        ports = endpoints_from_config(args.config)
        os.makedirs(args.work, exist_ok=True)
        result = {"regions": len(ports), "cold": [], "warm": []}
        # Cold: a fresh data directory every time (removed afterwards).
        for i in range(args.starts):
            data = os.path.join(args.work, f"cold-{i}")
            result["cold"].append(one_start(args.stratus, args.config, data, ports, args.idle,
                                            args.deadline, os.path.join(args.work, f"cold-{i}")))
            shutil.rmtree(data, ignore_errors=True)
        # Warm: one data directory, initialised by an unmeasured first start.
        warm = os.path.join(args.work, "warm")
        one_start(args.stratus, args.config, warm, ports, 0.0, args.deadline,
                  os.path.join(args.work, "warm-init"))
        for i in range(args.starts):
            result["warm"].append(one_start(args.stratus, args.config, warm, ports, args.idle,
                                            args.deadline, os.path.join(args.work, f"warm-{i}")))
        result["cold_median"] = summarize(result["cold"])
        result["warm_median"] = summarize(result["warm"])
    except InfraError as e:
        print(f"startup.py: {e}", file=sys.stderr)
        return 1
    finally:
        _terminate_children()
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
