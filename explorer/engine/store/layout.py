"""What a store's requirements say about its files: how revlogs are listed and
how their names are encoded, which suffixes belong to a revlog, which kind a
revlog is by its name.

====================  ===========================  =======================
requirement           files found by               names encoded with
====================  ===========================  =======================
(no ``store``)        walking .hg/data, .hg/meta   ``Encoding.DIR``
``store``             walking store/data, meta     ``Encoding.FILENAME``
``fncache``           the ``fncache`` file         ``HYBRID``, ``DOTENCODE``
``fileindex-v1``      the file index               ``DOTENCODE``
====================  ===========================  =======================

(``PLAIN`` replaces the hashed encodings in stores that carry the experimental
plain-encoding requirement.)
"""

from __future__ import annotations

import enum
from typing import Literal

from .pathencode import Encoding

Kind = Literal["changelog", "manifest", "filelog"]

CHANGELOG = "00changelog.i"
MANIFEST = "00manifest.i"
REVLOG_SUFFIXES = (".i", ".d", ".n", ".nd", ".idx", ".dat", ".sda")
_UID_SUFFIXES = (".nd", ".idx", ".dat", ".sda")  # named <radix>-<uid><suffix>
_PLAIN_ENCODING = "exp-very-fragile-and-unsafe-plain-store-encoding"


class Layout(enum.Enum):
    """How the store keeps track of its revlogs (see the module docstring)."""

    NO_STORE = "no-store"
    STORE = "store"
    FNCACHE = "fncache"
    FILEINDEX = "fileindex-v1"


def layout_of(requirements: set[str]) -> tuple[Layout, Encoding]:
    """The layout and name encoding a set of requirements selects, as Mercurial picks them."""
    if "store" not in requirements:
        return Layout.NO_STORE, Encoding.DIR
    plain = _PLAIN_ENCODING in requirements
    if "fncache" in requirements:
        if "dotencode" in requirements:
            return Layout.FNCACHE, Encoding.DOTENCODE
        return Layout.FNCACHE, Encoding.PLAIN if plain else Encoding.HYBRID
    if "fileindex-v1" in requirements:
        return Layout.FILEINDEX, Encoding.PLAIN if plain else Encoding.DOTENCODE
    return Layout.STORE, Encoding.FILENAME


def radix_of(name: str) -> str:
    """A revlog file name without its suffix: data/foo for data/foo.i, data/foo-1a2b3c4d.idx."""
    basename = name.rsplit("/", 1)[-1]
    cut = "-" if name.endswith(_UID_SUFFIXES) and "-" in basename else "."
    return name[: name.rfind(cut)]


def kind_of(radix: str) -> Kind:
    if radix == "00changelog":
        return "changelog"
    if radix == "00manifest" or radix.startswith("meta/"):
        return "manifest"
    return "filelog"
