"""The `stratus` command line: version, help, config errors, start-up banner."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import BINARY, ROOT


def run(*args, timeout=30, cwd=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def test_version():
    out = run("version")
    assert out.returncode == 0
    assert out.stdout.startswith("stratus ")
    assert run("--version").returncode == 0


def test_help_is_clear():
    out = run("--help")
    assert out.returncode == 0
    assert "serve" in out.stdout and "version" in out.stdout
    out = run("serve", "--help")
    assert "--config" in out.stdout and "--data" in out.stdout


def test_unknown_command_exits_2():
    out = run("frobnicate")
    assert out.returncode == 2


def test_bad_config_names_file_line_and_key(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[admin]\naccess_key_id = "AKIAE2ETESTADMIN0001"\n\n[[regions]]\nname = "ap-south-1"\n'
                   'endpoint = "localhost"\napp_endpoint = "127.0.0.1:0"\n')
    out = run("serve", "--config", str(cfg), "--data", str(tmp_path / "d"))
    assert out.returncode == 2
    assert f"{cfg}:6:" in out.stderr
    assert "regions[0].endpoint" in out.stderr
    assert "Traceback" not in out.stderr and "terminate" not in out.stderr


def test_syntax_error_in_config(tmp_path):
    cfg = tmp_path / "syntax.toml"
    cfg.write_text('[admin\naccess_key_id = 1\n')
    out = run("serve", "--config", str(cfg))
    assert out.returncode == 2
    assert f"{cfg}:1:" in out.stderr


def test_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cfg = tmp_path / "busy.toml"
        cfg.write_text('[admin]\naccess_key_id = "AKIAE2ETESTADMIN0001"\nsecret_access_key = '
                       '"e2eSecretKeyForStratusTests0123456789abc"\n\n[[regions]]\nname = "ap-south-1"\n'
                       f'endpoint = "127.0.0.1:{port}"\napp_endpoint = "127.0.0.1:0"\n')
        out = run("serve", "--config", str(cfg), "--data", str(tmp_path / "d"))
    assert out.returncode == 1
    assert f"127.0.0.1:{port}" in out.stderr and "ap-south-1" in out.stderr


def test_banner_gives_endpoints_and_paste_able_commands(stratus):
    text = open(stratus.stdout_path).read()
    for region in stratus.regions:
        assert f"aws --endpoint-url {stratus.endpoint(region)} --region {region}" in text
        assert stratus.endpoint(region, "app") in text
    assert "export AWS_ACCESS_KEY_ID=AKIAE2ETESTADMIN0001" in text
    assert "export AWS_SECRET_ACCESS_KEY=" in text
    assert "Ready in" in text


def test_default_stack_serves_five_regions_without_arguments(tmp_path):
    """`stratus serve` with no --config runs config/stratus.toml: five regions,
    ready once its resources are provisioned."""
    ports = [4566, 4567, 4568, 4569, 4570, 8080, 8081, 8082, 8083, 8084]
    for p in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", p)) == 0:
                pytest.skip(f"port {p} is in use on this machine")
    proc = subprocess.Popen([BINARY, "serve", "--data", str(tmp_path / "data")], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 15
        regions = {}
        for port in ports[:5]:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stratus/ready", timeout=1) as r:
                        regions[port] = json.loads(r.read())["region"]
                        break
                except OSError:
                    assert proc.poll() is None, proc.stderr.read()
                    assert time.time() < deadline
                    time.sleep(0.05)
        assert sorted(regions.values()) == sorted(
            ["ap-south-1", "ap-southeast-1", "us-east-1", "eu-west-1", "eu-west-2"])
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "AKIASTRATUSADMIN0001" in out
    assert (tmp_path / "data" / "admin-credentials").exists()


def test_https_listeners_with_configured_certificate(tmp_path):
    """[tls] makes every listener HTTPS; clients verify it with the CA bundle."""
    import ssl
    import boto3
    from conftest import ACCESS_KEY, SECRET_KEY, free_ports
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    aws, app = free_ports(2)
    cfg = tmp_path / "tls.toml"
    cfg.write_text(f'[tls]\ncert_file = "{cert}"\nkey_file = "{key}"\n\n[admin]\n'
                   f'access_key_id = "{ACCESS_KEY}"\nsecret_access_key = "{SECRET_KEY}"\n\n'
                   f'[[regions]]\nname = "ap-south-1"\nendpoint = "127.0.0.1:{aws}"\n'
                   f'app_endpoint = "127.0.0.1:{app}"\n')
    proc = subprocess.Popen([BINARY, "serve", "--config", str(cfg), "--data", str(tmp_path / "d")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ctx = ssl.create_default_context(cafile=str(cert))
        deadline = time.time() + 15
        while True:
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{aws}/_stratus/health", context=ctx,
                                            timeout=2) as r:
                    assert json.loads(r.read())["region"] == "ap-south-1"
                    break
            except OSError:
                assert proc.poll() is None and time.time() < deadline
                time.sleep(0.05)
        sts = boto3.client("sts", endpoint_url=f"https://127.0.0.1:{aws}", region_name="ap-south-1",
                           aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                           verify=str(cert))
        assert sts.get_caller_identity()["Account"] == "000000000000"
        with urllib.request.urlopen(f"https://127.0.0.1:{app}/_stratus/ready", context=ctx) as r:
            assert r.status == 200
        # Plain HTTP on a TLS listener does not get served.
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{aws}/_stratus/health", timeout=5)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert f"https://127.0.0.1:{aws}" in out


def test_bad_tls_files_are_a_clear_error(tmp_path):
    from conftest import ACCESS_KEY
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate\n")
    cfg = tmp_path / "tls.toml"
    cfg.write_text(f'[tls]\ncert_file = "{bogus}"\nkey_file = "{bogus}"\n\n[admin]\n'
                   f'access_key_id = "{ACCESS_KEY}"\n\n[[regions]]\nname = "ap-south-1"\n'
                   f'endpoint = "127.0.0.1:0"\napp_endpoint = "127.0.0.1:0"\n')
    out = run("serve", "--config", str(cfg), "--data", str(tmp_path / "d"))
    assert out.returncode == 1
    assert str(bogus) in out.stderr
