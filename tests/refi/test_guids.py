"""Stable GUIDs and GUID normalisation."""

from __future__ import annotations

import pytest

from casekit.codebook.export import code_guid
from casekit.refi.guids import normalize_guid, object_guid


def test_object_guids_are_stable_and_distinct() -> None:
    assert object_guid("user", "li") == object_guid("user", "li")
    assert object_guid("user", "li") != object_guid("user", "wang")
    assert object_guid("selection", "doc", 1, 2) != object_guid("selection", "doc", 12)
    # Object GUIDs never collide with code GUIDs of the same words.
    assert object_guid("DEMO", "TECH") != code_guid("DEMO", "TECH")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3C51EFBB-071F-43A7-9F32-228B89668E8D", "3c51efbb-071f-43a7-9f32-228b89668e8d"),
        ("{3c51efbb-071f-43a7-9f32-228b89668e8d}", "3c51efbb-071f-43a7-9f32-228b89668e8d"),
        (" 3c51efbb-071f-43a7-9f32-228b89668e8d ", "3c51efbb-071f-43a7-9f32-228b89668e8d"),
        ("3c51efbb071f43a79f32228b89668e8d", None),
        ("3c51efbb-071f-43a7-9f32-228b89668e8", None),
        ("zc51efbb-071f-43a7-9f32-228b89668e8d", None),
        (None, None),
    ],
)
def test_normalize_guid(raw: str | None, expected: str | None) -> None:
    assert normalize_guid(raw) == expected
