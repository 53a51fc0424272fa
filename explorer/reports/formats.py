"""Output helpers shared by the reports: node ids, Mercurial's JSON, our JSON.

Two JSON outputs exist on purpose. ``-T json`` reproduces what Mercurial's
formatter prints (sorted keys, one-space indent, its value types, so a diff
against ``hg ... -T json`` is empty); ``--json`` is our own schema, one object
per line, with field names meant to be read by people and scripts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

SHORT_NODE = 12


def node_hex(node: bytes, full: bool) -> str:
    """The 40-digit hex of ``node``, or its 12-digit short form."""
    text = node.hex()
    return text if full else text[:SHORT_NODE]


def hg_json(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The text of Mercurial's ``-T json`` for ``items``, piece by piece."""
    yield "["
    first = True
    for item in items:
        fields = ",\n".join(f'  "{key}": {_hg_value(item[key])}' for key in sorted(item))
        yield ("\n {\n" if first else ",\n {\n") + fields + "\n }"
        first = False
    yield "\n]\n"


def _hg_value(value: int | float | str) -> str:
    # hg writes numbers with repr() (all float digits), strings JSON-escaped.
    return repr(value) if isinstance(value, (int, float)) else json.dumps(value)


def json_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON list with one object per line, written as the objects come."""
    yield "["
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + json.dumps(item)
        first = False
    yield "\n]\n"
