"""Fixtures for the figure tests: hand-made frames, and image checks."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from casekit.figures.style import LabelLanguage, find_cjk_font
from tests.figures.helpers import frames


@pytest.fixture
def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return frames()


@pytest.fixture(scope="session")
def chinese() -> LabelLanguage:
    font = find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt install fonts-noto-cjk)")
    return LabelLanguage("zh", font=font)


def png_pixels(data: bytes) -> np.ndarray:
    """The PNG's pixels as an array (height, width, channels)."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def assert_sane_png(data: bytes, *, width_cm: float = 16.0) -> None:
    """300 dpi at the thesis width, and not blank (pixels vary)."""
    pixels = png_pixels(data)
    assert abs(pixels.shape[1] - round(width_cm / 2.54 * 300)) <= 2
    assert pixels.std() > 10
    assert (pixels < 128).any()
