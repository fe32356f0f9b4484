"""Fixtures of the studio's tests: a studio server on a free port, Debian's chromium
driven by Playwright, axe-core. Missing browser: the tests skip (and fail under CI)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
AXE = HERE / ".vendor" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def ensure_tools() -> None:
    """Run the set-up script when chromium or axe-core is missing; skip if still missing
    (a developer without root), but never under CI, where it must be there."""
    if not (Path(CHROMIUM).exists() and AXE.exists()):
        subprocess.run(["sh", str(HERE / "studio_setup.sh")], check=False)
    if Path(CHROMIUM).exists() and AXE.exists():
        return
    message = "chromium ou axe-core absent : lancez tests/studio_setup.sh (en root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, folder: Path, host: str = "127.0.0.1"):
        self.folder = folder
        self.port = free_port()
        command = [sys.executable, "-m", "fichemetier.studio", "--no-browser"]
        command += ["--port", str(self.port), "--host", host, str(folder)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.banner = ""
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            self.banner += line
            if "Ctrl-C" in line:
                break
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"le studio n'a pas démarré : {self.banner}")

    @property
    def token(self) -> str | None:
        found = re.search(r"jeton=([\w-]+)", self.banner)
        return found.group(1) if found else None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process.stdout.close()


def status(url: str, method: str = "GET", headers: dict | None = None, data=None) -> int:
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def copy_seed(folder: Path, seed: Path) -> Path:
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(seed, folder / seed.name))
