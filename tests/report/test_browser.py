"""The report in headless Chromium: loads without console errors, figures render, filter works."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs headless Chromium (Debian: apt install chromium)"
    ),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]


@pytest.fixture(scope="module")
def page(written, tmp_path_factory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("chromium")
    url = Path(written.path).resolve().as_uri()
    dom = _chromium(tmp, "--dump-dom", url)
    shot = tmp / "report.png"
    screenshot = _chromium(tmp, f"--screenshot={shot}", "--window-size=1280,2000", url)
    return {"dom": dom, "screenshot": screenshot, "png": shot}


def test_loads_without_console_errors(page) -> None:
    for run in (page["dom"], page["screenshot"]):
        assert run.returncode == 0, run.stderr[-2000:]
        assert _console_errors(run.stderr) == []


def test_every_figure_is_in_the_rendered_dom(page, written) -> None:
    dom = page["dom"].stdout
    figures = re.findall(
        r'<figure class="fig" id="fig-[a-z-]+" data-figure="([a-z-]+)">\s*<svg', dom
    )
    assert len(figures) == written.n_figures == 8


def test_the_filter_script_ran(page) -> None:
    # The script writes the status line; before it runs the element is empty.
    assert re.search(
        r'<span id="filter-status" class="note">6 documents</span>', page["dom"].stdout
    )


def test_transcript_script_is_text_not_code(page) -> None:
    dom = page["dom"].stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert(1)</script>" not in dom


def test_screenshot_is_not_blank(page) -> None:
    from PIL import Image

    pixels = np.asarray(Image.open(page["png"]).convert("L"))
    assert pixels.shape == (2000, 1280)
    assert pixels.std() > 10
    assert (pixels < 100).mean() > 0.001
