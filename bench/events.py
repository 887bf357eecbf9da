#!/usr/bin/python3
"""S3 event notifications: PUT -> message in queue latency, direct (QueueConfiguration)
and through EventBridge; bench/README.md has the method. `bench/run events` runs it
alone, `bench/run` with everything else. Knobs: BENCH_EVENTS_RATE (100 PUT/s),
BENCH_EVENTS_COUNT (1000 per path), BENCH_EVENTS_PRODUCERS (4 threads), STRATUS
(build/stratus), BENCH_KEEP=1 (keep the scratch directory). Exit 0 when every PUT gave
exactly one message on each path (goal met or not), 1 otherwise or on errors, 2 when
the benchmark cannot run. Writes bench/results/events.md.
"""

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import boto3
import botocore.config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = float(os.environ.get("BENCH_EVENTS_RATE", "100"))
COUNT = int(os.environ.get("BENCH_EVENTS_COUNT", "1000"))
PRODUCERS = int(os.environ.get("BENCH_EVENTS_PRODUCERS", "4"))
STRATUS = os.environ.get("STRATUS", os.path.join(ROOT, "build", "stratus"))
REGION, ACCOUNT = "ap-south-1", "000000000000"
AK, SK = "AKIASTRATUSBENCH0001", "stratus-bench-secret-0123456789abcdef"
GOAL_MS = 50.0
TAIL_SECONDS = 15  # how long after the last PUT a missing message is waited for
BODY = b"e" * 1024

[os.environ.pop(k, None) for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")]
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"


def log(msg):
    print(f"bench events: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(2)


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    [s.bind(("127.0.0.1", 0)) for s in socks]  # all bound at once: n distinct ports
    ports = [s.getsockname()[1] for s in socks]
    [s.close() for s in socks]
    return ports


def pct(values, q):  # nearest-rank percentile (q in 0..100) of a non-empty list
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def outbox_counters(endpoint):  # {"delivered_total{s3_notifications}": value, ...}
    text = urllib.request.urlopen(endpoint + "/_stratus/metrics", timeout=5).read().decode()
    return {line.split("{")[0][len("stratus_outbox_"):] + "{" + line.split('outbox="')[1].split('"')[0] + "}":
            float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line.startswith("stratus_outbox_") and 'outbox="' in line}


def client(endpoint, service):
    """A client with its own session and one keep-alive connection (one per thread), no retries."""
    cfg = botocore.config.Config(retries={"max_attempts": 1}, read_timeout=30, connect_timeout=5,
                                 max_pool_connections=1)
    return boto3.session.Session().client(service, endpoint_url=endpoint, region_name=REGION,
                                          aws_access_key_id=AK, aws_secret_access_key=SK, config=cfg)


def key_of(path, body):
    """The object key an event message is about (None for a test event)."""
    m = json.loads(body)
    if path == "direct":  # S3's event JSON, the key URL-encoded
        return urllib.parse.unquote_plus(m["Records"][0]["s3"]["object"]["key"]) if "Records" in m else None
    return m["detail"]["object"]["key"]  # EventBridge's Object Created


def measure(endpoint, path, bucket, url, pid):
    """PUT COUNT objects into bucket at RATE/s while consuming the queue; the samples and checks."""
    keys = [f"{path}/{i:06d}" for i in range(COUNT)]
    key_set = set(keys)
    sent, done, arrivals = {}, {}, {}  # key -> time.monotonic() (arrivals: its first message)
    counts, errors = {}, []  # key in a message (None: a test event) -> messages
    producers_done, to_delete = threading.Event(), queue.Queue()

    def consume():
        sqs, deadline = client(endpoint, "sqs"), None

        def receive(wait):
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait).get("Messages", [])
            now = time.monotonic()  # the arrival time of every message in this response
            for m in msgs:
                k = key_of(path, m["Body"])
                counts[k] = counts.get(k, 0) + 1
                if k in key_set:
                    arrivals.setdefault(k, now)
            if msgs:
                to_delete.put([m["ReceiptHandle"] for m in msgs])
        try:
            while len(arrivals) < COUNT:
                if producers_done.is_set():
                    deadline = deadline or time.monotonic() + TAIL_SECONDS
                    if time.monotonic() >= deadline:
                        break
                receive(20 if deadline is None else max(1, min(20, int(deadline - time.monotonic()))))
            receive(1)  # a duplicate arriving late
        except Exception as e:  # noqa: BLE001 - reported, fails the run
            errors.append(f"consumer: {e!r}")
        to_delete.put(None)

    def delete():  # batches, on its own connection, so the consumer goes straight back to polling
        sqs = client(endpoint, "sqs")
        while (handles := to_delete.get()) is not None:
            try:
                r = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": h}
                                                                    for i, h in enumerate(handles)])
                if r.get("Failed"):
                    errors.append(f"delete failed: {r['Failed'][:2]}")
            except Exception as e:  # noqa: BLE001
                errors.append(f"delete: {e!r}")

    def produce(s3, j, t0):  # PUT i goes out at t0 + i / RATE
        t_send = [0.0]  # when botocore hands the signed request to the connection
        s3.meta.events.register("before-send.s3.PutObject", lambda **_: t_send.__setitem__(0, time.monotonic()))
        for i in range(j, COUNT, PRODUCERS):
            time.sleep(max(0.0, t0 + i / RATE - time.monotonic()))
            try:
                s3.put_object(Bucket=bucket, Key=keys[i], Body=BODY)
                done[keys[i]], sent[keys[i]] = time.monotonic(), t_send[0]
            except Exception as e:  # noqa: BLE001
                errors.append(f"PUT {keys[i]}: {e!r}")

    s3s = [client(endpoint, "s3") for _ in range(PRODUCERS)]  # made first, so no PUT is late to the schedule
    threads = [threading.Thread(target=consume), threading.Thread(target=delete)]
    [t.start() for t in threads]
    time.sleep(0.5)  # the consumer's first long poll is parked
    cpu0, ob0 = cpu_seconds(pid), outbox_counters(endpoint)
    t0 = time.monotonic() + 0.1
    prod = [threading.Thread(target=produce, args=(c, j, t0)) for j, c in enumerate(s3s)]
    [t.start() for t in prod]
    [t.join() for t in prod]
    producers_done.set()
    [t.join() for t in threads]
    cpu = cpu_seconds(pid) - cpu0
    ob = {k: v - ob0.get(k, 0) for k, v in outbox_counters(endpoint).items()}
    ok = [k for k in keys if k in done and k in arrivals]
    return {
        "path": path, "puts_ok": len(done), "received": sum(counts.values()),
        "lost": sum(1 for k in done if k not in counts),
        "duplicates": sum(c - 1 for k, c in counts.items() if k in key_set and c > 1),
        "unknown": sum(c for k, c in counts.items() if k not in key_set), "errors": errors,
        "put_rate": len(done) / (max(done.values()) - min(sent.values())) if done else 0.0,
        "server_cores": cpu / (max(list(arrivals.values()) + list(done.values()) + [t0 + 1]) - t0),
        "outbox": {k: v for k, v in ob.items() if v},
        "behind_schedule_ms": max([(sent[k] - t0 - i / RATE) * 1e3 for i, k in enumerate(keys) if k in sent] or [0]),
        "lat_response_ms": [(arrivals[k] - done[k]) * 1e3 for k in ok],
        "lat_sent_ms": [(arrivals[k] - sent[k]) * 1e3 for k in ok],
        "put_ms": [(done[k] - sent[k]) * 1e3 for k in ok],
    }


def summary(v):
    return {q: pct(v, n) if v else float("nan") for q, n in
            (("min", 0), ("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))}


def setup(endpoint):
    """Queues, buckets, notification configurations and the rule; drains the test event."""
    s3, sqs, events = client(endpoint, "s3"), client(endpoint, "sqs"), client(endpoint, "events")
    urls = {q: sqs.create_queue(QueueName=q)["QueueUrl"] for q in ("events-direct", "events-eb")}
    for bucket, config in (("bench-direct", {"QueueConfigurations": [{
            "Id": "bench", "QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:events-direct", "Events": ["s3:ObjectCreated:*"]}]}),
            ("bench-eb", {"EventBridgeConfiguration": {}})):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    events.put_rule(Name="bench-eb-created",
                    EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"]}))
    events.put_targets(Rule="bench-eb-created", Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:events-eb"}])
    test = sqs.receive_message(QueueUrl=urls["events-direct"], MaxNumberOfMessages=10, WaitTimeSeconds=5).get("Messages", [])
    if [json.loads(m["Body"]).get("Event") for m in test] != ["s3:TestEvent"]:
        die(f"expected one s3:TestEvent on events-direct, got {[m['Body'][:100] for m in test]}")
    sqs.delete_message(QueueUrl=urls["events-direct"], ReceiptHandle=test[0]["ReceiptHandle"])
    return urls


def main():
    if RATE <= 0 or COUNT < 1 or PRODUCERS < 1:
        die("BENCH_EVENTS_RATE, BENCH_EVENTS_COUNT and BENCH_EVENTS_PRODUCERS must be positive")
    if not os.access(STRATUS, os.X_OK):
        die(f"{STRATUS} not found; build it first (make build)")
    work, proc = tempfile.mkdtemp(prefix="stratus-bench-events."), None
    load_before, started = os.getloadavg(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        binary = os.path.join(work, "stratus")
        shutil.copy(STRATUS, binary)  # a concurrent rebuild must not swap it mid-run
        version = (subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[-1:] or ["?"])[0]
        git = lambda *a: subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True).stdout.strip()
        version += (f" ({git('rev-parse', '--short', 'HEAD') or 'unknown commit'}"
                    f"{'+local changes' if git('status', '--porcelain', '--untracked-files=no', '--', 'src') else ''})")
        sp, sa = free_ports(2)
        with open(os.path.join(work, "stratus.toml"), "w") as f:
            f.write(f'[server]\nlog_level = "warn"\naccess_log = "off"\n\n[admin]\naccess_key_id = "{AK}"\n'
                    f'secret_access_key = "{SK}"\n\n[[regions]]\nname = "{REGION}"\n'
                    f'endpoint = "127.0.0.1:{sp}"\napp_endpoint = "127.0.0.1:{sa}"\n')
        # stdout carries the banner; it stays in the scratch directory.
        proc = subprocess.Popen([binary, "serve", "--config", os.path.join(work, "stratus.toml"),
                                 "--data", os.path.join(work, "data")],
                                stdout=open(os.path.join(work, "stratus.log"), "w"), stderr=subprocess.STDOUT)
        endpoint, deadline = f"http://127.0.0.1:{sp}", time.time() + 30
        while True:
            if proc.poll() is not None or time.time() > deadline:
                die(f"stratus not ready in 30 s (exit status {proc.poll()})")
            try:
                urllib.request.urlopen(endpoint + "/_stratus/ready", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        try:
            urls = setup(endpoint)
        except Exception as e:  # noqa: BLE001 - the benchmark cannot run
            die(f"setup failed: {e!r}")
        results = []
        for path, bucket, q in (("direct", "bench-direct", "events-direct"), ("eventbridge", "bench-eb", "events-eb")):
            log(f"{path}: {COUNT} PUTs at {RATE:g}/s, {PRODUCERS} producer threads")
            r = measure(endpoint, path, bucket, urls[q], proc.pid)
            r.update({k[:-3]: summary(r[k]) for k in ("lat_response_ms", "lat_sent_ms", "put_ms")})
            log(f"{path}: PUT 200 -> message {r['lat_response']}; {r['put_rate']:.1f} PUT/s; lost {r['lost']}, "
                f"duplicates {r['duplicates']}, unknown {r['unknown']}, errors {len(r['errors'])}; {r['outbox']}")
            [log(f"  {e}") for e in r["errors"][:5]]
            results.append(r)
        load_after = os.getloadavg()
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"scratch directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    failed = any(r["errors"] or r["lost"] or r["duplicates"] or r["unknown"] or r["puts_ok"] != COUNT for r in results)
    names = {"direct": "A. direct (QueueConfiguration → queue)", "eventbridge": "B. EventBridge (bus → rule → queue)"}
    lines = ["# S3 event notifications: PUT → message latency", "",
             f"{started} — {os.cpu_count()} cores shared by the client (Python, boto3) and the server; kernel "
             f"{os.uname().release}; stratus {version}, one region ({REGION}), access log off. {COUNT} PUTs of "
             f"1 KiB per path at {RATE:g} PUT/s ({PRODUCERS} producer threads on a fixed schedule), one "
             "long-polling consumer per queue. No peer: the local emulators compared with elsewhere do not "
             "deliver S3 events to SQS, so these are absolute numbers.", "",
             "| Goal | Measured | Target | Status |", "|---|---|---|---|"]
    for r in results:
        p99 = r["lat_response"]["p99"]
        lines.append(f"| p99 PUT's 200 → message received, {names[r['path']]} | **{p99:.1f} ms** | "
                     f"< {GOAL_MS:g} ms | {'met' if p99 < GOAL_MS else '**not met**'} |")
    lines += ["", "| path | PUT's 200 → message: min / p50 / p90 / p99 / max (ms) | PUT sent → message: p50 / p90 / "
              "p99 / max (ms) | PUT sent → 200: p50 / p99 (ms) | PUT/s achieved | server cores |",
              "|---|---|---|---|---|---|"]
    for r in results:
        a, s, p = r["lat_response"], r["lat_sent"], r["put"]
        lines.append(f"| {names[r['path']]} | " + " / ".join(f"{a[q]:.2f}" for q in ("min", "p50", "p90", "p99", "max"))
                     + " | " + " / ".join(f"{s[q]:.2f}" for q in ("p50", "p90", "p99", "max"))
                     + f" | {p['p50']:.2f} / {p['p99']:.2f} | {r['put_rate']:.1f} | {r['server_cores']:.2f} |")
    lines += ["", "| check | " + " | ".join(r["path"] for r in results) + " |", "|---|---|---|"]
    for label, f in (("PUTs answered 200", "puts_ok"), ("messages received", "received"), ("lost", "lost"),
                     ("received twice", "duplicates"), ("unknown keys", "unknown"),
                     ("errors", lambda r: len(r["errors"])),
                     ("most behind schedule a PUT went out (ms)", lambda r: f"{r['behind_schedule_ms']:.1f}"),
                     ("outbox counters during the run",
                      lambda r: ", ".join(f"{k} {v:g}" for k, v in sorted(r["outbox"].items())) or "—")):
        lines.append(f"| {label} | " + " | ".join(str(f(r) if callable(f) else r[f]) for r in results) + " |")
    lines += ["", f"Load average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; after: "
              f"{' '.join(f'{x:.2f}' for x in load_after)}. Raw samples: bench/results/events-raw/."]
    report = "\n".join(lines) + "\n"
    out = os.path.join(ROOT, "bench", "results")
    os.makedirs(os.path.join(out, "events-raw"), exist_ok=True)
    with open(os.path.join(out, "events-raw", "samples.json"), "w") as f, open(os.path.join(out, "events.md"), "w") as g:
        json.dump(results, f), g.write(report)
    print(report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
