"""A real browser for the tests: the HTML plan report opened in headless Chromium.

``find_chromium()`` gives the browser's path (Debian's ``/usr/bin/chromium``, or ``chromium``,
``chromium-browser`` or ``google-chrome`` on PATH), or None. ``render(html, png)`` opens a local file
once, with a new empty profile, and returns the DOM as the browser built it while it writes a
screenshot of the window.

The flags keep the browser offline and quiet: no sandbox (the tests may run as root, where Chromium
refuses to start with one), no GPU, no QUIC, no first-run pages, no background requests (component
updates, sync, safe browsing lists), and /tmp rather than /dev/shm for shared memory, which is small
in containers. The page under test loads nothing itself.
"""

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome")
DEBIAN = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars")
TIMEOUT = 120  # seconds; a page of the plan report opens in one or two
# Lines Chromium prints on a machine without a desktop session: noise, left out of error messages.
NOISE = ("dbus", "Fontconfig", "bytes written to file")


def find_chromium():
    """The path of a Chromium (or Chrome) to run, or None."""
    if os.access(DEBIAN, os.X_OK):
        return DEBIAN
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def render(html_path, png_path, width=1280, height=2000, chromium=None):
    """Open ``html_path`` in headless Chromium; return the rendered DOM (``--dump-dom``) and write a
    screenshot of a ``width`` x ``height`` window to ``png_path`` (``--screenshot``), in one run."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise RuntimeError("no Chromium found (%s, or %s on PATH)" % (DEBIAN, ", ".join(NAMES)))
    url = Path(html_path).resolve().as_uri()
    png_path = Path(png_path)
    if png_path.exists():
        png_path.unlink()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [chromium, *FLAGS, "--user-data-dir=%s" % profile, "--window-size=%d,%d" % (width, height),
                   "--screenshot=%s" % png_path.resolve(), "--dump-dom", url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0 or not png_path.exists() or "<html" not in done.stdout:
        errors = [line for line in done.stderr.splitlines() if not any(word in line for word in NOISE)]
        raise RuntimeError("%s exited %d%s:\n%s" % (
            " ".join(command), done.returncode, "" if png_path.exists() else " without a screenshot",
            "\n".join(errors[-20:])))
    return done.stdout


def png_pixels(path):
    """(width, height, colour type, the decompressed scanlines) of a PNG, read with the standard library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, header, idat = 8, None, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6)  # 8-bit RGB or RGBA: what Chromium writes
    return width, height, colour, zlib.decompress(idat)


def looks_blank(png_path):
    """Whether a screenshot is one flat colour: a page of text and pictures uses most byte values."""
    unused_width, unused_height, unused_colour, scanlines = png_pixels(png_path)
    return len(set(scanlines)) <= 64
