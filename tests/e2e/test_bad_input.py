"""Bad input at the HTTP layer: malformed heads, oversized headers, stalled and
vanishing clients. Each gets a clear answer or a clean close and leaves the
server healthy."""

import socket
import time
import urllib.request

from conftest import metric


def exchange(port, data, timeout=10):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def healthy(s, region="ap-south-1"):
    with urllib.request.urlopen(s.endpoint(region) + "/_stratus/health", timeout=5) as r:
        return r.status == 200


def test_malformed_request_line_is_400_and_closed(stratus):
    port = stratus.regions["ap-south-1"]["aws"]
    for bad in (b"NOT A REQUEST\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n", b"\x00\x01\x02\r\n\r\n"):
        out = exchange(port, bad)
        assert out.startswith(b"HTTP/1.1 400"), (bad, out[:100])
    assert healthy(stratus)
    assert metric(stratus.metrics("ap-south-1"), "stratus_http_malformed_requests_total") >= 4


def test_oversized_headers_are_431(stratus):
    port = stratus.regions["ap-south-1"]["aws"]
    out = exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 431")
    assert healthy(stratus)


def test_stalled_clients_are_timed_out(stratus_factory):
    s = stratus_factory(regions=("ap-south-1",),
                        limits={"idle_timeout_seconds": 1, "request_timeout_seconds": 1}).start()
    port = s.regions["ap-south-1"]["aws"]
    for partial in (b"GET /_stratus/hea",  # stalls in the head
                    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100\r\n\r\nAction="):  # stalls in the body
        start = time.time()
        out = exchange(port, partial, timeout=10)
        assert time.time() - start < 5
        assert b"200 OK" not in out
    assert healthy(s)
    m = s.metrics("ap-south-1")
    assert metric(m, "stratus_http_timeouts_total") + metric(m, "stratus_request_errors_total",
                                                            error="Timeout") >= 1


def test_client_vanishing_mid_body_leaves_nothing_behind(stratus):
    port = stratus.regions["ap-south-1"]["aws"]
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 1000\r\n\r\nAction=Get")
        s.close()
    deadline = time.time() + 5
    while True:
        m = stratus.metrics("ap-south-1")
        # Only the scrape's own connection remains.
        if metric(m, "stratus_http_connections", listener="ap-south-1/aws") <= 1:
            break
        assert time.time() < deadline, "connections were not released"
        time.sleep(0.05)
    assert metric(m, "stratus_requests_in_flight", listener="aws") == 1
    assert healthy(stratus)


def test_body_over_the_buffered_limit_is_refused(stratus_factory):
    s = stratus_factory(regions=("ap-south-1",), limits={"max_buffered_body_bytes": 4096}).start()
    port = s.regions["ap-south-1"]["aws"]
    body = b"Action=GetCallerIdentity&Pad=" + b"x" * 10000
    out = exchange(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert out.startswith(b"HTTP/1.1 413"), out[:200]
    assert b"RequestEntityTooLarge" in out
    assert healthy(s)
