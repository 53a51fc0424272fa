"""Open revlogs by the on-disk names hg reported, independently of our store layer."""

from __future__ import annotations

import os
from collections.abc import Iterator

from explorer.engine import Revlog


def revlog_files(oracle: dict, path: str, store: str | None = None) -> dict[str, str]:
    """Every file of revlog ``path`` (unencoded name -> filesystem path) under ``store``."""
    info = oracle["revlogs"][path]
    store = store or oracle["store_path"]
    return {name: os.path.join(store, on_disk) for name, on_disk in info["files"].items()}


def open_from_oracle(oracle: dict, path: str, store: str | None = None) -> Revlog:
    """Open revlog ``path`` of the oracle's repo (or of a copy of its store at ``store``)."""
    info = oracle["revlogs"][path]
    store = store or oracle["store_path"]
    files, radix = info["files"], path[:-2]

    def on_disk(name: str) -> str:
        return os.path.join(store, files.get(name, name))

    return Revlog.open(on_disk(path), data_path=on_disk(radix + ".d"), name=path,
                       kind=info["kind"], sparse=info["sparse_revlog"],
                       sidefile=lambda suffix: on_disk(radix + suffix))


def revlogs(oracle: dict) -> Iterator[tuple[str, dict, Revlog]]:
    for path, info in oracle["revlogs"].items():
        with open_from_oracle(oracle, path) as rl:
            yield path, info, rl
