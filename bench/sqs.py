#!/usr/bin/python3
"""SQS benchmark, stratus vs local-aws-sqs (see bench/README.md). Run by
`bench/run sqs` and, with everything else, by `bench/run` / `make bench`.

Both servers get one standard queue and the same load, over the JSON protocol
(x-amz-json-1.0) and over the Query protocol (form POST), which both speak:

  1. Round trip: BENCH_SQS_WORKERS (16) worker processes, each with one
     keep-alive connection, loop SendMessageBatch (10 messages of 100 bytes) ->
     ReceiveMessage (MaxNumberOfMessages 10, WaitTimeSeconds 0) ->
     DeleteMessageBatch (the receipt handles just received). Messages/s = the
     messages whose DeleteMessageBatch completed inside the measured window,
     per second. Servers alternate, BENCH_ROUNDS rounds per protocol, medians.
     The workers sign every request themselves (SigV4, a signing key derived
     once, checked against botocore's signer at start) and parse responses
     with a minimal HTTP/1.1 reader; their CPU time is measured and reported
     next to the servers' (/proc/PID/stat) and the whole machine's (/proc/stat).
  2. Long-poll wake-up: a ReceiveMessage with WaitTimeSeconds 10 is parked on
     the server; 30-60 ms later a SendMessage goes out on a second connection;
     the time from the send's response to the receive's response, p50/p99 over
     BENCH_SQS_TRIALS (200) trials per server (MaxNumberOfMessages 1), and a
     few trials with MaxNumberOfMessages 10.

Every message body is unique; after the runs each queue is drained and what
was received is checked against what was sent (nothing lost, nothing received
twice, every MD5OfBody right). A run with any HTTP error, socket error or
wrong response fails. Writes bench/results/sqs.md (every run's numbers in
bench/results/sqs-raw/) and prints it.

Environment: BENCH_SECONDS (10), BENCH_WARMUP (3; warm-up seconds at the start
of every run), BENCH_ROUNDS (3), BENCH_SQS_WORKERS (16), BENCH_SQS_TRIALS (200),
BENCH_SQS_PROTOCOLS ("json query"), STRATUS (build/stratus), BENCH_KEEP=1 keeps
the scratch directory. Everything listens on 127.0.0.1. Exit 0 when every run
was clean (goal met or not), 1 when a run had errors, 2 when the benchmark
cannot run.
"""

import array
import hashlib
import hmac
import json
import multiprocessing
import os
import random
import re
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_SQS_WORKERS", "16"))
TRIALS = int(os.environ.get("BENCH_SQS_TRIALS", "200"))
PROTOCOLS = os.environ.get("BENCH_SQS_PROTOCOLS", "json query").split()
STRATUS = os.environ.get("STRATUS", os.path.join(ROOT, "build", "stratus"))
REGION = "ap-south-1"
AK, SK = "AKIASTRATUSBENCH0001", "stratus-bench-secret-0123456789abcdef"
BATCH = 10
BODY_BYTES = 100
WAIT_SECONDS = 10
TRIALS_MAX10 = 20  # long-poll trials with MaxNumberOfMessages 10 (stratus)
GOAL = 20000  # messages/s round trip, one region
NAN = float("nan")
SOCKET_TIMEOUT = 30.0
JSON_CT = "application/x-amz-json-1.0"
FORM_CT = "application/x-www-form-urlencoded; charset=utf-8"
QUERY_VERSION = "2012-11-05"

for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(k, None)
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"


def log(msg):
    print(f"bench sqs: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(2)


def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_ready(url, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            die(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.05)
    die(f"{url} not ready in {seconds}s")


def cpu_seconds(pid):
    """(user + system, system) CPU seconds of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / hz, int(fields[12]) / hz


def machine_ticks():
    """(busy, total) clock ticks of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    total = sum(v[:8])  # leave out guest time, already counted in user
    return total - idle, total


def vm_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def pct(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


###############################################################################
# A minimal SQS client: SigV4 with a signing key derived once, one keep-alive
# connection, requests written and responses read by hand (no http.client).
###############################################################################

def signing_key(secret, date, region, service):
    k = hmac.digest(("AWS4" + secret).encode(), date.encode(), "sha256")
    for part in (region, service, "aws4_request"):
        k = hmac.digest(k, part.encode(), "sha256")
    return k


class Client:
    """One connection to one server, speaking one protocol ("json" or "query")."""

    def __init__(self, host, port, protocol):
        self.host, self.port, self.protocol = host, port, protocol
        self.hostport = f"{host}:{port}"
        self.sock = None
        self.buf = b""
        self._date = self._day = None
        self._sec = -1

    def connect(self):
        self.close()
        self.sock = socket.create_connection((self.host, self.port), timeout=SOCKET_TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _amz_date(self):
        now = int(time.time())
        if now != self._sec:
            self._sec = now
            self._date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        return self._date

    def _scope_key(self, day):
        if self._day != day:
            self._day = day
            self._scope = f"{day}/{REGION}/sqs/aws4_request"
            self._key = signing_key(SK, day, REGION, "sqs")
        return self._scope, self._key

    def encode(self, op, params, amz=None):
        """The raw signed request for op with params (a dict for JSON, a list of
        (name, value) pairs without Action/Version for Query)."""
        amz = amz or self._amz_date()
        scope, key = self._scope_key(amz[:8])
        if self.protocol == "json":
            body = json.dumps(params, separators=(",", ":")).encode()
            ct, extra = JSON_CT, f"x-amz-target:AmazonSQS.{op}\n"
            signed = "content-type;host;x-amz-date;x-amz-target"
            extra_hdr = f"X-Amz-Target: AmazonSQS.{op}\r\n"
        else:
            body = urllib.parse.urlencode([("Action", op)] + params + [("Version", QUERY_VERSION)]).encode()
            ct, extra, signed, extra_hdr = FORM_CT, "", "content-type;host;x-amz-date", ""
        creq = (f"POST\n/\n\ncontent-type:{ct}\nhost:{self.hostport}\nx-amz-date:{amz}\n{extra}\n"
                f"{signed}\n{hashlib.sha256(body).hexdigest()}")
        sts = f"AWS4-HMAC-SHA256\n{amz}\n{scope}\n{hashlib.sha256(creq.encode()).hexdigest()}"
        sig = hmac.digest(key, sts.encode(), "sha256").hex()
        head = (f"POST / HTTP/1.1\r\nHost: {self.hostport}\r\nContent-Type: {ct}\r\n{extra_hdr}"
                f"X-Amz-Date: {amz}\r\nAuthorization: AWS4-HMAC-SHA256 Credential={AK}/{scope}, "
                f"SignedHeaders={signed}, Signature={sig}\r\nContent-Length: {len(body)}\r\n\r\n")
        return head.encode() + body

    def start(self, op, params):
        if self.sock is None:
            self.connect()
        self.sock.sendall(self.encode(op, params))

    def _parse(self):
        """(status, body) when buf holds a whole response, else None."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buf[:end].decode("latin-1")
        status = int(head[9:12])
        lower = head.lower()
        m = re.search(r"\r\ncontent-length:\s*(\d+)", lower)
        if m:
            n = int(m.group(1))
            if len(self.buf) < end + 4 + n:
                return None
            body, self.buf = self.buf[end + 4:end + 4 + n], self.buf[end + 4 + n:]
        elif "\r\ntransfer-encoding: chunked" in lower:
            pos, parts = end + 4, []
            while True:
                nl = self.buf.find(b"\r\n", pos)
                if nl < 0:
                    return None
                size = int(self.buf[pos:nl].split(b";")[0], 16)
                if len(self.buf) < nl + 2 + size + 2:
                    return None
                parts.append(self.buf[nl + 2:nl + 2 + size])
                pos = nl + 2 + size + 2
                if size == 0:
                    break
            body, self.buf = b"".join(parts), self.buf[pos:]
        else:
            body, self.buf = b"", self.buf[end + 4:]
        if "\r\nconnection: close" in lower:
            self.close()
        return status, body

    def poll(self):
        """Read what the socket has (it is readable); (status, body) once complete."""
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data
        return self._parse()

    def finish(self):
        r = self._parse()
        while r is None:
            r = self.poll()
        return r

    def call(self, op, params):
        self.start(op, params)
        return self.finish()


def one_call(host, port, protocol, op, params):
    """A request on a fresh connection (set-up calls; the peer closes idle ones)."""
    c = Client(host, port, protocol)
    try:
        return c.call(op, params)
    finally:
        c.close()


# Parameters and responses of the operations, per protocol.

def p_send_batch(protocol, url, bodies):
    if protocol == "json":
        return {"QueueUrl": url, "Entries": [{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies)]}
    p = [("QueueUrl", url)]
    for i, b in enumerate(bodies, 1):
        p += [(f"SendMessageBatchRequestEntry.{i}.Id", str(i - 1)),
              (f"SendMessageBatchRequestEntry.{i}.MessageBody", b)]
    return p


def p_receive(protocol, url, max_n, wait):
    if protocol == "json":
        return {"QueueUrl": url, "MaxNumberOfMessages": max_n, "WaitTimeSeconds": wait}
    return [("QueueUrl", url), ("MaxNumberOfMessages", str(max_n)), ("WaitTimeSeconds", str(wait))]


def p_delete_batch(protocol, url, handles):
    if protocol == "json":
        return {"QueueUrl": url, "Entries": [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles)]}
    p = [("QueueUrl", url)]
    for i, h in enumerate(handles, 1):
        p += [(f"DeleteMessageBatchRequestEntry.{i}.Id", str(i - 1)),
              (f"DeleteMessageBatchRequestEntry.{i}.ReceiptHandle", h)]
    return p


def p_send(protocol, url, body):
    if protocol == "json":
        return {"QueueUrl": url, "MessageBody": body}
    return [("QueueUrl", url), ("MessageBody", body)]


RE_MSG = re.compile(rb"<Message>(.*?)</Message>", re.S)
MSG_FIELDS = (b"ReceiptHandle", b"MD5OfBody", b"Body")
RE_FIELD = {k: re.compile(rb"<" + k + rb">(.*?)</" + k + rb">", re.S) for k in MSG_FIELDS}


def xml_unescape(b):
    return (b.replace(b"&quot;", b'"').replace(b"&apos;", b"'").replace(b"&lt;", b"<")
            .replace(b"&gt;", b">").replace(b"&amp;", b"&")).decode()


def r_messages(protocol, body):
    """[(receipt handle, md5 of body, body)] of a ReceiveMessage response."""
    if protocol == "json":
        msgs = json.loads(body).get("Messages", []) if body.strip() else []
        return [(m["ReceiptHandle"], m["MD5OfBody"], m["Body"]) for m in msgs]
    out = []
    for m in RE_MSG.findall(body):
        out.append(tuple(xml_unescape(RE_FIELD[k].search(m).group(1)) for k in MSG_FIELDS))
    return out


def r_batch_ok(protocol, body, op):
    """(succeeded, failed) entries of a batch response."""
    if protocol == "json":
        d = json.loads(body)
        return len(d.get("Successful", [])), len(d.get("Failed", []))
    return body.count(f"<{op}ResultEntry>".encode()), body.count(b"<BatchResultErrorEntry>")


def make_body(tag, seq):
    """A unique 100-byte body; its text up to the first "-" identifies it."""
    head = f"{tag}s{seq:010d}-"
    return head + "m" * (BODY_BYTES - len(head))


###############################################################################
# 1. Round trip: worker processes
###############################################################################

def worker(idx, host, port, protocol, url, tag, t_go, t_meas, t_end, out):
    """One load-generator process: send batch -> receive -> delete batch, until t_end."""
    c = Client(host, port, protocol)
    res = {"idx": idx, "counted": 0, "round_trips": 0, "requests": 0, "received": 0, "receives": 0,
           "empty_receives": 0, "sent": array.array("q"), "got": [], "errors": [], "cpu": 0.0, "sys": 0.0,
           "lat": {"send": array.array("d"), "receive": array.array("d"), "delete": array.array("d")}}
    lat = res["lat"]

    def error(what):
        res["errors"].append(what)
        if len(res["errors"]) >= 20:
            raise RuntimeError("too many errors")

    seq = 0
    cpu0 = None
    try:
        c.connect()
        while time.monotonic() < t_go:
            time.sleep(0.001)
        while True:
            now = time.monotonic()
            if cpu0 is None and now >= t_meas:
                cpu0 = os.times()
            if now >= t_end:
                break
            measuring = cpu0 is not None
            try:
                bodies = [make_body(tag, seq + i) for i in range(BATCH)]
                a = time.perf_counter()
                status, body = c.call("SendMessageBatch", p_send_batch(protocol, url, bodies))
                b = time.perf_counter()
                res["requests"] += 1
                if status != 200:
                    error(f"SendMessageBatch {status}: {body[:300]!r}")
                    continue
                ok, failed = r_batch_ok(protocol, body, "SendMessageBatch")
                if ok != BATCH or failed:
                    error(f"SendMessageBatch {ok} ok, {failed} failed: {body[:300]!r}")
                    continue
                res["sent"].append(seq)
                seq += BATCH
                status, body = c.call("ReceiveMessage", p_receive(protocol, url, BATCH, 0))
                d = time.perf_counter()
                res["requests"] += 1
                res["receives"] += 1
                if status != 200:
                    error(f"ReceiveMessage {status}: {body[:300]!r}")
                    continue
                msgs = r_messages(protocol, body)
                handles = []
                for handle, md5, text in msgs:
                    if hashlib.md5(text.encode()).hexdigest() != md5:
                        error(f"ReceiveMessage: MD5OfBody {md5} wrong for {text!r}")
                    res["got"].append(text[:text.index("-")])
                    handles.append(handle)
                res["received"] += len(msgs)
                if not msgs:
                    res["empty_receives"] += 1
                    if measuring:
                        lat["send"].append(b - a)
                        lat["receive"].append(d - b)
                    continue
                status, body = c.call("DeleteMessageBatch", p_delete_batch(protocol, url, handles))
                e = time.perf_counter()
                res["requests"] += 1
                if status != 200:
                    error(f"DeleteMessageBatch {status}: {body[:300]!r}")
                    continue
                ok, failed = r_batch_ok(protocol, body, "DeleteMessageBatch")
                if ok != len(handles) or failed:
                    error(f"DeleteMessageBatch {ok} ok, {failed} failed of {len(handles)}: {body[:300]!r}")
                    continue
                res["round_trips"] += 1
                if measuring and time.monotonic() < t_end:
                    res["counted"] += len(handles)
                    lat["send"].append(b - a)
                    lat["receive"].append(d - b)
                    lat["delete"].append(e - d)
            except (OSError, ValueError, KeyError, AttributeError) as ex:
                error(f"{type(ex).__name__}: {ex}")
                c.connect()
    except Exception as ex:  # report, never hang the parent
        res["errors"].append(f"worker stopped: {type(ex).__name__}: {ex}")
    if cpu0 is not None:
        cpu1 = os.times()
        res["cpu"] = cpu1.user + cpu1.system - cpu0.user - cpu0.system
        res["sys"] = cpu1.system - cpu0.system
    c.close()
    out.send(res)
    out.close()


def round_trip(name, host, port, pid, protocol, url, tag):
    """One run of WORKERS processes; returns its numbers."""
    ctx = multiprocessing.get_context("fork")
    t_go = time.monotonic() + 0.5 + 0.02 * WORKERS  # after every fork and connect
    t_meas = t_go + WARMUP
    t_end = t_meas + SECONDS
    procs, pipes = [], []
    for i in range(WORKERS):
        rd, wr = ctx.Pipe(duplex=False)
        p = ctx.Process(target=worker, args=(i, host, port, protocol, url, f"{tag}w{i:02d}", t_go, t_meas, t_end, wr),
                        daemon=True)
        p.start()
        wr.close()
        procs.append(p)
        pipes.append(rd)
    try:
        time.sleep(max(0.0, t_meas - time.monotonic()))
        s0, m0 = cpu_seconds(pid), machine_ticks()
        time.sleep(max(0.0, t_end - time.monotonic()))
        s1, m1 = cpu_seconds(pid), machine_ticks()
        results = []
        deadline = t_end + SOCKET_TIMEOUT + 30
        for i, rd in enumerate(pipes):
            if not rd.poll(max(0.0, deadline - time.monotonic())):
                die(f"{name}: worker {i} did not report within {SOCKET_TIMEOUT + 30:.0f} s of the end")
            results.append(rd.recv())
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=10)
    counted = sum(r["counted"] for r in results)
    lat = {op: [x * 1000 for r in results for x in r["lat"][op]] for op in ("send", "receive", "delete")}
    busy = (m1[0] - m0[0]) / max(1, m1[1] - m0[1]) * os.cpu_count()
    gen_cpu = sum(r["cpu"] for r in results)
    return {
        "msgs_per_s": counted / SECONDS,
        "messages": counted,
        "round_trips": sum(r["round_trips"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "receives": sum(r["receives"] for r in results),
        "received": sum(r["received"] for r in results),
        "empty_receives": sum(r["empty_receives"] for r in results),
        "server_cores": (s1[0] - s0[0]) / SECONDS,
        "server_sys_cores": (s1[1] - s0[1]) / SECONDS,
        "server_cpu_us_per_msg": (s1[0] - s0[0]) * 1e6 / counted if counted else NAN,
        "generator_cores": gen_cpu / SECONDS,
        "generator_sys_cores": sum(r["sys"] for r in results) / SECONDS,
        "generator_cpu_us_per_msg": gen_cpu * 1e6 / counted if counted else NAN,
        "machine_busy_cores": busy,
        "lat_ms": {op: {"p50": pct(v, 50), "p99": pct(v, 99), "max": max(v)} if v else
                   {"p50": NAN, "p99": NAN, "max": NAN} for op, v in lat.items()},
        "errors": [e for r in results for e in r["errors"]],
        "sent": {r["idx"]: r["sent"] for r in results},
        "got": [g for r in results for g in r["got"]],
    }


###############################################################################
# 2. Long-poll wake-up
###############################################################################

def long_poll(host, port, protocol, url, trials, max_n, rng, tag):
    """Per trial: a parked ReceiveMessage (WaitTimeSeconds 10), then a SendMessage
    on another connection; (send response -> receive response, send request ->
    receive response) in ms, and a list of errors."""
    rcv, snd = Client(host, port, protocol), Client(host, port, protocol)
    rcv.connect()
    snd.connect()
    sel = selectors.DefaultSelector()
    sel.register(rcv.sock, selectors.EVENT_READ, rcv)
    sel.register(snd.sock, selectors.EVENT_READ, snd)
    samples, errors = [], []
    try:
        for i in range(trials):
            text = make_body(tag, i)
            rcv.start("ReceiveMessage", p_receive(protocol, url, max_n, WAIT_SECONDS))
            time.sleep(rng.uniform(0.03, 0.06))  # parked by now; random phase against any polling
            if sel.select(0):
                errors.append(f"trial {i}: ReceiveMessage answered before the send")
                rcv.finish()
                continue
            t_send = time.perf_counter()
            snd.start("SendMessage", p_send(protocol, url, text))
            done = {}
            deadline = time.monotonic() + WAIT_SECONDS + 5
            while len(done) < 2 and time.monotonic() < deadline:
                for key, _ in sel.select(1.0):
                    c = key.data
                    if c in done:
                        continue
                    r = c.poll()
                    if r is not None:
                        done[c] = (time.perf_counter(), r)
            if len(done) < 2:
                errors.append(f"trial {i}: no answer within {WAIT_SECONDS + 5} s")
                break
            (ts, (s_status, s_body)), (tr, (r_status, r_body)) = done[snd], done[rcv]
            if s_status != 200 or r_status != 200:
                errors.append(f"trial {i}: send {s_status} {s_body[:200]!r}, receive {r_status} {r_body[:200]!r}")
                continue
            msgs = r_messages(protocol, r_body)
            if [m[2] for m in msgs] != [text]:
                errors.append(f"trial {i}: received {[m[2][:30] for m in msgs]} instead of {text[:30]}")
            for handle, _, _ in msgs:  # a new connection: after a long wait the peer has closed snd's
                status, body = one_call(host, port, protocol, "DeleteMessageBatch",
                                        p_delete_batch(protocol, url, [handle]))
                if status != 200:
                    errors.append(f"trial {i}: delete {status} {body[:200]!r}")
            samples.append(((tr - ts) * 1000, (tr - t_send) * 1000))
    finally:
        sel.close()
        rcv.close()
        snd.close()
    return samples, errors


###############################################################################
# Set-up, checks, report
###############################################################################

def check_signer(host):
    """The hand-rolled SigV4 must equal botocore's for the same request and time."""
    try:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
    except ImportError:
        log("botocore not importable; skipping the signer cross-check (stratus verifies every signature anyway)")
        return
    host_name, port = host.rsplit(":", 1)
    for protocol in ("json", "query"):
        c = Client(host_name, int(port), protocol)
        params = (p_send_batch(protocol, "http://x/000000000000/q", [make_body("r0w0", 0)]))
        raw = c.encode("SendMessageBatch", params)
        head, body = raw.split(b"\r\n\r\n", 1)
        hdrs = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
        req = botocore.awsrequest.AWSRequest(method="POST", url=f"http://{host}/", data=body, headers={
            k: v for k, v in hdrs.items() if k in ("Content-Type", "X-Amz-Target")})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(AK, SK), "sqs", REGION).add_auth(req)
        mine = c.encode("SendMessageBatch", params, amz=req.headers["X-Amz-Date"])
        mine_auth = dict(line.split(": ", 1) for line in mine.split(b"\r\n\r\n")[0].decode().split("\r\n")[1:])
        if mine_auth["Authorization"] != req.headers["Authorization"]:
            die(f"{protocol}: SigV4 differs from botocore's:\n {mine_auth['Authorization']}\n "
                f"{req.headers['Authorization']}")


def create_queue(host, port):
    status, body = one_call(host, port, "json", "CreateQueue", {"QueueName": "bench"})
    if status != 200:
        die(f"CreateQueue on {host}:{port}: {status} {body[:300]!r}")
    return json.loads(body)["QueueUrl"]


def queue_counts(host, port, url):
    status, body = one_call(host, port, "json", "GetQueueAttributes", {
        "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]})
    if status != 200:
        return None
    a = json.loads(body)["Attributes"]
    return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])


def drain(host, port, url):
    """Receive and delete until three receives in a row come back empty; the bodies."""
    c = Client(host, port, "json")
    got, empty, errors = [], 0, []
    deadline = time.monotonic() + 120
    try:
        while empty < 3 and time.monotonic() < deadline:
            status, body = c.call("ReceiveMessage", p_receive("json", url, BATCH, 0))
            if status != 200:
                errors.append(f"drain receive {status} {body[:200]!r}")
                break
            msgs = r_messages("json", body)
            if not msgs:
                empty += 1
                continue
            empty = 0
            got += [m[2] for m in msgs]
            status, body = c.call("DeleteMessageBatch", p_delete_batch("json", url, [m[0] for m in msgs]))
            if status != 200:
                errors.append(f"drain delete {status} {body[:200]!r}")
                break
    finally:
        c.close()
    return got, errors


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    for n, v in (("BENCH_SECONDS", SECONDS), ("BENCH_ROUNDS", ROUNDS), ("BENCH_SQS_WORKERS", WORKERS),
                 ("BENCH_SQS_TRIALS", TRIALS)):
        if v < 1:
            die(f"{n} must be a positive integer")
    if WARMUP < 0 or not PROTOCOLS or any(p not in ("json", "query") for p in PROTOCOLS):
        die("BENCH_WARMUP must be >= 0 and BENCH_SQS_PROTOCOLS a list of json and query")
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            die(f"{tool} not found (see bench/README.md)")
    if not os.access(STRATUS, os.X_OK):
        die(f"{STRATUS} not found; build it first (make build)")
    lock = json.load(open(os.path.join(BENCH, "package-lock.json")))
    locked = lock["packages"]["node_modules/local-aws-sqs"]["version"]
    pkg = os.path.join(BENCH, "node_modules", "local-aws-sqs", "package.json")
    if not os.path.exists(pkg) or json.load(open(pkg))["version"] != locked:
        log(f"installing local-aws-sqs {locked} into bench/node_modules (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True, timeout=600)
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    work = tempfile.mkdtemp(prefix="stratus-bench-sqs.")
    procs = []
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        binary = os.path.join(work, "stratus")
        shutil.copy(STRATUS, binary)  # a concurrent rebuild must not swap it mid-run
        version = (subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[-1:] or ["?"])[0]
        git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--", "src"],
                               capture_output=True, text=True).stdout.strip()
        version += f" ({git.stdout.strip() or 'unknown commit'}{'+local changes' if dirty else ''})"
        sp, sa, lp = free_ports(3)
        with open(os.path.join(work, "stratus.toml"), "w") as f:
            f.write(f'[server]\nlog_level = "warn"\naccess_log = "off"\n\n[admin]\naccess_key_id = "{AK}"\n'
                    f'secret_access_key = "{SK}"\n\n[[regions]]\nname = "{REGION}"\n'
                    f'endpoint = "127.0.0.1:{sp}"\napp_endpoint = "127.0.0.1:{sa}"\n')
        p = subprocess.Popen([binary, "serve", "--config", os.path.join(work, "stratus.toml"),
                              "--data", os.path.join(work, "stratus-data")],
                             stdout=open(os.path.join(work, "stratus.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(p)
        wait_ready(f"http://127.0.0.1:{sp}/_stratus/ready", p)
        servers = {"stratus": (sp, p)}
        # local-aws-sqs has no CLI: a one-line node program starts it (in memory).
        p = subprocess.Popen(["node", "-e", 'require(process.argv[1]).createSqsServer({port: +process.argv[2], '
                              'hostname: "127.0.0.1", region: process.argv[3]})',
                              os.path.join(BENCH, "node_modules", "local-aws-sqs"), str(lp), REGION],
                             stdout=open(os.path.join(work, "local-aws-sqs.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(p)
        wait_ready(f"http://127.0.0.1:{lp}/", p)
        servers["local-aws-sqs"] = (lp, p)
        check_signer(f"127.0.0.1:{sp}")
        urls = {name: create_queue("127.0.0.1", port) for name, (port, _) in servers.items()}
        log(f"queues: {urls}")

        failed = False
        runs = []  # one dict per run
        sent = {name: {} for name in servers}  # tag -> base seqs of the batches sent
        got = {name: [] for name in servers}
        run_no = 0
        for protocol in PROTOCOLS:
            for rnd in range(ROUNDS):
                for name in (("stratus", "local-aws-sqs") if rnd % 2 == 0 else ("local-aws-sqs", "stratus")):
                    port, proc = servers[name]
                    run_no += 1
                    tag = f"r{run_no:02d}"
                    r = round_trip(name, "127.0.0.1", port, proc.pid, protocol, urls[name], tag)
                    for idx, seqs in r.pop("sent").items():
                        sent[name][f"{tag}w{idx:02d}"] = seqs
                    got[name] += r.pop("got")
                    r.update(server=name, protocol=protocol, round=rnd + 1)
                    lat = r["lat_ms"]
                    log(f"{protocol} round {rnd + 1} {name}: {r['msgs_per_s']:.0f} msgs/s, "
                        f"{r['received'] / max(1, r['receives']):.1f} msgs/receive, "
                        f"p99 send/receive/delete {lat['send']['p99']:.1f}/{lat['receive']['p99']:.1f}/"
                        f"{lat['delete']['p99']:.1f} ms; cores: server "
                        f"{r['server_cores']:.2f}, generator {r['generator_cores']:.2f}, machine "
                        f"{r['machine_busy_cores']:.2f}" + (f"; {len(r['errors'])} ERRORS" if r["errors"] else ""))
                    if r["errors"]:
                        failed = True
                        for e in r["errors"][:5]:
                            log(f"  {e}")
                    runs.append(r)

        # Long-poll wake-up, on an empty queue: drain first (also checked below).
        rng = random.Random(11)
        polls = {}
        for name, (port, _) in servers.items():
            counts_before = queue_counts("127.0.0.1", port, urls[name])
            left, errs = drain("127.0.0.1", port, urls[name])
            got[name] += [t[:t.index("-")] for t in left]
            polls[name] = {"counts_before_drain": counts_before, "drained": len(left), "errors": list(errs)}
            proto = PROTOCOLS[0]
            log(f"long poll on {name} ({proto}): {TRIALS} trials, MaxNumberOfMessages 1")
            samples, errs = long_poll("127.0.0.1", port, proto, urls[name], TRIALS, 1, rng, "lp1")
            polls[name].update(protocol=proto, max1=samples)
            polls[name]["errors"] += errs
            # MaxNumberOfMessages 10 with one message arriving: AWS answers at once;
            # local-aws-sqs waits for 10 messages or the whole WaitTimeSeconds, so one trial.
            n10 = TRIALS_MAX10 if name == "stratus" else 1
            samples, errs = long_poll("127.0.0.1", port, proto, urls[name], n10, BATCH, rng, "lp10")
            polls[name]["max10"] = samples
            polls[name]["errors"] += errs
            polls[name]["counts_after"] = queue_counts("127.0.0.1", port, urls[name])
            if polls[name]["errors"]:
                failed = True
                for e in polls[name]["errors"][:5]:
                    log(f"  {name}: {e}")

        # Delivery check: every batch sent was received exactly once (runs + drain).
        checks = {}
        for name in servers:
            want = {f"{tag}s{base + i:010d}" for tag, bases in sent[name].items()
                    for base in bases for i in range(BATCH)}
            seen, dups = set(), 0
            for k in got[name]:
                if k in seen:
                    dups += 1
                seen.add(k)
            checks[name] = {"sent": len(want), "received": len(got[name]), "lost": len(want - seen),
                            "duplicates": dups, "unexpected": len(seen - want)}
            if checks[name]["lost"] or checks[name]["duplicates"] or checks[name]["unexpected"]:
                failed = True
                log(f"{name}: delivery check failed: {checks[name]}")
        rss = {name: (vm_kib(proc.pid, "VmHWM") / 1024, vm_kib(proc.pid, "VmRSS") / 1024)
               for name, (_, proc) in servers.items()}
        load_after = os.getloadavg()

        # Raw numbers, then the report.
        raw = os.path.join(work, "raw")
        os.makedirs(raw)
        with open(os.path.join(raw, "runs.json"), "w") as f:
            json.dump(runs, f, indent=1)
        with open(os.path.join(raw, "long-poll.json"), "w") as f:
            json.dump(polls, f, indent=1)
        with open(os.path.join(raw, "delivery.json"), "w") as f:
            json.dump(checks, f, indent=1)
        # The servers' output, without stratus's start-up banner (it shows the credentials).
        server_log = {}
        for name in servers:
            text = open(os.path.join(work, f"{name}.log"), errors="replace").read()
            if name == "stratus":
                text = text.split("Stop with Ctrl-C (SIGINT) or SIGTERM.\n", 1)[-1]
            server_log[name] = [line for line in text.splitlines() if line.strip()]
            with open(os.path.join(raw, f"{name}.log"), "w") as f:
                f.write("\n".join(server_log[name]) + ("\n" if server_log[name] else ""))

        def of(server, protocol):
            return [r for r in runs if r["server"] == server and r["protocol"] == protocol]

        lines = ["# SQS: stratus vs local-aws-sqs", "",
                 f"{started} — {os.cpu_count()} cores, kernel {os.uname().release}; stratus {version} "
                 f"(one region, {REGION}, `threads` = one per core, access log off; every send, receive and "
                 f"delete synced to disk before its 200), local-aws-sqs {locked} on node {node_version} (in "
                 f"memory, one process). {WORKERS} load-generator processes (Python, one keep-alive connection "
                 f"each) on the same cores; {SECONDS} s measured after {WARMUP} s of warm-up in every run; "
                 f"medians of {ROUNDS} rounds per protocol, the servers alternating.", "",
                 "| Goal | Measured | Target | Status |", "|---|---|---|---|"]
        for protocol in PROTOCOLS:
            sm, pm = med(of("stratus", protocol), "msgs_per_s"), med(of("local-aws-sqs", protocol), "msgs_per_s")
            status = "met" if sm >= GOAL else "**not met**"
            lines.append(f"| messages/s round trip, {protocol} protocol: stratus (vs local-aws-sqs) | **{sm:.0f}** "
                         f"(vs {pm:.0f}: **{sm / pm if pm else NAN:.2f}×**) | ≥ {GOAL:,} | {status} |")
        cpu = med(of("stratus", PROTOCOLS[0]), "server_cpu_us_per_msg")
        lines += ["", f"stratus used {cpu:.1f} µs of CPU per message ({PROTOCOLS[0]}): with both cores to itself "
                  f"and none of the load generator's work, that is at most ~{os.cpu_count() * 1e6 / cpu:.0f} "
                  f"messages/s.", "",
                  "| round trip, medians | protocol | stratus | local-aws-sqs |", "|---|---|---|---|"]
        for protocol in PROTOCOLS:
            sr, pr = of("stratus", protocol), of("local-aws-sqs", protocol)
            for label, key, fmt in (("messages/s (send batch + receive + delete batch)", "msgs_per_s", "{:.0f}"),
                                    ("server CPU, cores", "server_cores", "{:.2f}"),
                                    ("… of which kernel", "server_sys_cores", "{:.2f}"),
                                    ("server CPU per message, µs", "server_cpu_us_per_msg", "{:.1f}"),
                                    ("load generator CPU, cores", "generator_cores", "{:.2f}"),
                                    ("… of which kernel", "generator_sys_cores", "{:.2f}"),
                                    ("load generator CPU per message, µs", "generator_cpu_us_per_msg", "{:.1f}"),
                                    ("whole machine busy, cores", "machine_busy_cores", "{:.2f}")):
                lines.append(f"| {label} | {protocol} | {fmt.format(med(sr, key))} | {fmt.format(med(pr, key))} |")
            for op in ("send", "receive", "delete"):
                v = [statistics.median(r["lat_ms"][op][q] for r in rs)
                     for rs in (sr, pr) for q in ("p50", "p99")]
                lines.append(f"| {op} latency p50 / p99, ms | {protocol} | {v[0]:.2f} / {v[1]:.2f} | "
                             f"{v[2]:.2f} / {v[3]:.2f} |")
        lines += [""]
        lines += ["| long-poll wake-up (WaitTimeSeconds 10) | stratus | local-aws-sqs |", "|---|---|---|"]

        def lp(name, key, i):
            v = [x[i] for x in polls[name][key]]
            if not v:
                return "—"
            if len(v) < 5:
                return " / ".join(f"{x:.1f}" for x in v) + f" ms ({len(v)} trial{'s' if len(v) > 1 else ''})"
            return f"{pct(v, 50):.2f} / {pct(v, 99):.2f} ms (max {max(v):.2f}, {len(v)} trials)"
        lines.append(f"| MaxNumberOfMessages 1: send's response → receive's response, p50 / p99 | "
                     f"{lp('stratus', 'max1', 0)} | {lp('local-aws-sqs', 'max1', 0)} |")
        lines.append(f"| MaxNumberOfMessages 1: send's request → receive's response, p50 / p99 | "
                     f"{lp('stratus', 'max1', 1)} | {lp('local-aws-sqs', 'max1', 1)} |")
        lines.append(f"| MaxNumberOfMessages 10, one message sent: send's response → receive's response | "
                     f"{lp('stratus', 'max10', 0)} | {lp('local-aws-sqs', 'max10', 0)} |")
        lines += ["", "| check | stratus | local-aws-sqs |", "|---|---|---|"]
        for label, key in (("messages sent (all runs)", "sent"), ("received (runs + final drain)", "received"),
                           ("lost", "lost"), ("received twice", "duplicates"), ("unknown bodies", "unexpected")):
            lines.append(f"| {label} | {checks['stratus'][key]} | {checks['local-aws-sqs'][key]} |")
        n_err = {name: sum(len(r["errors"]) for r in runs if r["server"] == name) + len(polls[name]["errors"])
                 for name in servers}
        lines.append(f"| errors (HTTP, socket, wrong answers) in all runs | {n_err['stratus']} | "
                     f"{n_err['local-aws-sqs']} |")
        lines.append(f"| lines the server logged (stratus at warn level) | {len(server_log['stratus'])} | "
                     f"{len(server_log['local-aws-sqs'])} |")
        lines.append(f"| peak RSS (VmHWM) / RSS at the end, MB | {rss['stratus'][0]:.1f} / {rss['stratus'][1]:.1f} | "
                     f"{rss['local-aws-sqs'][0]:.1f} / {rss['local-aws-sqs'][1]:.1f} |")
        lines += ["", "Every run (messages/s counts messages whose DeleteMessageBatch completed in the window; "
                  "cores = CPU seconds per second; latency in ms):", "",
                  "| protocol | round | server | msgs/s | msgs/receive | empty receives | server cores | "
                  "generator cores | machine cores | send p99 | receive p99 | delete p99 | slowest request | errors |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in runs:
            lat = r["lat_ms"]
            slowest = max(v["max"] for v in lat.values())
            lines.append(f"| {r['protocol']} | {r['round']} | {r['server']} | {r['msgs_per_s']:.0f} | "
                         f"{r['received'] / max(1, r['receives']):.2f} | {r['empty_receives']} | "
                         f"{r['server_cores']:.2f} | {r['generator_cores']:.2f} | {r['machine_busy_cores']:.2f} | "
                         + " | ".join(f"{lat[op]['p99']:.1f}" for op in ("send", "receive", "delete"))
                         + f" | {slowest:.1f} | {len(r['errors'])} |")
        lines += ["", f"Load average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; after: "
                  f"{' '.join(f'{x:.2f}' for x in load_after)}. Raw numbers: bench/results/sqs-raw/."]
        report = "\n".join(lines) + "\n"
        results = os.path.join(BENCH, "results")
        os.makedirs(results, exist_ok=True)
        shutil.rmtree(os.path.join(results, "sqs-raw"), ignore_errors=True)
        shutil.copytree(raw, os.path.join(results, "sqs-raw"))
        with open(os.path.join(results, "sqs.md"), "w") as f:
            f.write(report)
        print(report)
        return 1 if failed else 0
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"scratch directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
