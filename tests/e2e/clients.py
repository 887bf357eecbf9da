"""The two generations of AWS clients found on a machine: Debian's (aws CLI 2.9,
boto3 1.26 in /usr/bin/python3: Query-protocol SQS, MD5 checksums) and a newer
pip-installed one (aws CLI 1.x / boto3 1.4x: JSON-protocol SQS, CRC checksums).
"""

import glob
import os
import shutil
import subprocess

HOME = os.path.expanduser("~")


def _candidates(name):
    seen = []
    for path in [f"/usr/bin/{name}", shutil.which(name), f"{HOME}/.pyenv/shims/{name}",
                 *sorted(glob.glob(f"{HOME}/.pyenv/versions/*/bin/{name}"))]:
        if path and os.path.exists(path) and os.path.realpath(path) not in [os.path.realpath(p) for p in seen]:
            seen.append(path)
    return seen


def aws_clis():
    """[(path, version string)] of distinct aws CLIs, Debian's first."""
    out, versions = [], set()
    for path in _candidates("aws"):
        try:
            v = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = (v.stdout + v.stderr).strip()
        if v.returncode == 0 and text.startswith("aws-cli/") and text.split()[0] not in versions:
            versions.add(text.split()[0])
            out.append((path, text.split()[0]))
    return out


def other_pythons_with_boto3():
    """Python interpreters other than the running one that have boto3."""
    import sys
    out, versions = [], set()
    for path in _candidates("python3"):
        if os.path.realpath(path) == os.path.realpath(sys.executable):
            continue
        try:
            v = subprocess.run([path, "-c", "import boto3; print(boto3.__version__)"],
                               capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if v.returncode == 0 and v.stdout.strip() not in versions:
            versions.add(v.stdout.strip())
            out.append((path, v.stdout.strip()))
    return out
