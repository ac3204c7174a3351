"""Shared by the what-if page's browser tests: headless Chromium (Debian's) driven by
Playwright, the page served by ``callsim-ui`` in a child process, and pixel counts of screenshots."""

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                    reason="no Chromium on this machine (Debian: apt-get install chromium); CI installs it")
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


class Server:
    """``python -m sim.ui.app --port N --no-browser`` until stopped."""

    def __init__(self, *extra):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}/"
        self.process = subprocess.Popen([sys.executable, "-m", "sim.ui.app", "--port", str(self.port), "--no-browser", *extra],
                                        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=5).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"callsim-ui stopped: {self.process.stdout.read().decode()}")
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("callsim-ui did not answer within 60 s")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def color_pixels(png: bytes, hex_color: str, tolerance: int = 12) -> int:
    """How many pixels of the screenshot are within ``tolerance`` of the colour in every channel."""
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - rgb).max(axis=2) <= tolerance).sum())
