"""The widget's front end ships in the package and reaches for nothing outside it.

The ES module and its CSS are package data (pyproject's package-data globs must
cover them, or an installed widget would have no front end); the module imports
nothing (no URL, no bundler step) and never parses text as markup, so what a
store holds is always shown as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.notebook.widget import Explorer
from explorer.notebook.widget.explorer import STATIC

ROOT = Path(__file__).resolve().parents[2]


def test_the_front_end_files_are_package_data():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    globs = data["package-data"]["explorer.notebook.widget"]
    package = ROOT / "explorer" / "notebook" / "widget"
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    assert set(STATIC.iterdir()) <= shipped
    assert {STATIC / "explorer.js", STATIC / "explorer.css"} <= shipped


def test_the_module_loads_nothing_and_writes_no_markup():
    source = (STATIC / "explorer.js").read_text()
    loads = r"^\s*import\b|\bimport\s*\(|(?<![.\w])fetch\s*\(|XMLHttpRequest|https?://(?!www\.w3\.org/2000/svg)"
    assert not re.search(loads, source, re.M)
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(",
                         source)
    assert not re.search(r"url\(|@import", (STATIC / "explorer.css").read_text())


def test_the_widget_class_carries_the_shipped_files():
    assert str(Explorer._esm) == (STATIC / "explorer.js").read_text()
    assert str(Explorer._css) == (STATIC / "explorer.css").read_text()
