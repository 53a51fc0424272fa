"""The built-in demo store, written by the engine's own write path.

A small project history that shows every feature of the explorer without the
user owning a Mercurial repository: merges (filelogs with two parents), a copy
and a rename, a binary file, an empty file, exec and symlink flags, a named
branch and a closed one, a file with a long delta chain and intermediate
snapshots, a filelog split into ``.i`` + ``.d`` next to inline ones, and
chunks compressed with zlib (early history) and zstd (later history).

It is deterministic: the same bytes on every run (fixed dates, users and
contents, no randomness), so screenshots and snapshot tests are stable.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
from pathlib import Path

from explorer.engine.repo.repo import Repo

USER = "Ada Lovelace <ada@example.org>"
OTHER = "Charles Babbage <charles@example.org>"
START = 1_700_000_000  # 2023-11-14T22:13:20Z
ZLIB_COMMITS = 40  # the first commits' chunks are zlib, the rest zstd


def build(dest: str | os.PathLike) -> Path:
    """Write the demo repository at ``dest`` (which must not exist) and return it."""
    dest = Path(dest)
    Repo.init(dest).close()
    history = _History()
    with Repo.open(dest, compression="zlib") as repo:
        history.play(repo, until=ZLIB_COMMITS)
    with Repo.open(dest) as repo:
        history.play(repo, until=None)
    return dest


def demo_path() -> Path:
    """The demo repository, built once per version of this module into a cache."""
    root = Path(os.environ.get("REVLOG_EXPLORER_CACHE")
                or Path.home() / ".cache" / "revlog-explorer")
    key = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    path = root / f"demo-{key}"
    if not (path / ".hg" / "store" / "00changelog.i").exists():
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="demo-", dir=root))
        build(tmp / "repo")
        shutil.rmtree(path, ignore_errors=True)
        os.replace(tmp / "repo", path)
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _lines(seed: str, count: int, width: int = 60) -> list[bytes]:
    rng = random.Random(seed)  # seeded: the same text every run
    words = ["revlog", "delta", "chain", "snapshot", "node", "manifest", "changeset",
             "filelog", "parent", "index", "chunk", "zlib", "zstd", "inline", "split"]
    out = []
    for i in range(count):
        line = f"{i:04d}"
        while len(line) < width:
            line += " " + rng.choice(words)
        out.append(line.encode() + b"\n")
    return out


class _History:
    """The demo's commits, replayable in two sessions (zlib, then zstd)."""

    def __init__(self) -> None:
        self.step = 0
        self.ledger = _lines("ledger", 90)  # small: its chain soon needs snapshots
        self.done = 0

    def play(self, repo: Repo, until: int | None) -> None:
        with repo.transaction("demo"):
            for index, commit in enumerate(self._commits()):
                if index < self.done:
                    continue
                if until is not None and index >= until:
                    return
                commit(repo)
                self.done = index + 1

    def _commits(self):
        yield self._initial
        for i in range(1, 230):
            yield lambda repo, i=i: self._work(repo, i)
        yield self._branch_and_merge
        yield self._rename
        for i in range(230, 260):
            yield lambda repo, i=i: self._work(repo, i)

    def _date(self) -> tuple[int, int]:
        self.step += 1
        return START + 3600 * self.step, -3600 if self.step % 3 else 0

    def _initial(self, repo: Repo) -> None:
        repo.commit({
            "README.md": b"# The demo project\n\nA history to explore with revlog-explorer.\n",
            "ledger.txt": b"".join(self.ledger),
            "src/engine.py": b"".join(_lines("engine", 80)),
            "src/util.py": b"".join(_lines("util", 40)),
            "assets/logo.png": _binary("logo", 1500),
            "docs/EMPTY": b"",
            "tools/run.sh": b"#!/bin/sh\nexec python -m demo \"$@\"\n",
            "data/table.csv": b"".join(_lines("table", 2600, width=100)),
        }, "Initial import", USER, self._date(), flags={"tools/run.sh": "x"})

    def _work(self, repo: Repo, i: int) -> None:
        k = (i * 37) % len(self.ledger)
        self.ledger[k] = f"{k:04d} revised in step {i}\n".encode()
        files: dict[str, bytes | None] = {"ledger.txt": b"".join(self.ledger)}
        if i % 9 == 0:
            files["src/engine.py"] = b"".join(_lines(f"engine{i // 9}", 80))
        if i % 41 == 0:
            files["assets/logo.png"] = _binary(f"logo{i}", 1500)
        if i % 50 == 0:
            files["data/table.csv"] = b"".join(_lines(f"table{i}", 2600, width=100))
        if i == 227:  # after the stable fork: the merge will join two versions
            files["src/util.py"] = b"".join(_lines("util-default", 40))
        if i == 5:
            files["latest"] = b"README.md"
        flags = {"latest": "l"} if i == 5 else None
        user = OTHER if i % 4 == 0 else USER
        repo.commit(files, f"Revise the ledger ({i})", user, self._date(), flags=flags)

    def _branch_and_merge(self, repo: Repo) -> None:
        fork = len(repo) - 6
        repo.commit({"src/util.py": b"".join(_lines("util-stable", 40)),
                     "NOTES.txt": b"stable branch notes\n"},
                    "Stabilise util on the stable branch", OTHER, self._date(),
                    parents=(fork, -1), branch="stable")
        side = len(repo) - 1
        repo.commit({"NOTES.txt": b"stable branch notes\nclosed\n"}, "Close stable", OTHER,
                    self._date(), parents=(side, -1), branch="stable", close_branch=True)
        closed = len(repo) - 1
        trunk = len(repo) - 3
        merged_util = b"".join(_lines("util-stable", 40)) + b"# merged on default\n"
        repo.commit({"src/util.py": merged_util, "NOTES.txt": b"merged from stable\n"},
                    "Merge stable into default", USER, self._date(), parents=(trunk, closed))

    def _rename(self, repo: Repo) -> None:
        util = repo.revlog("data/src/util.py.i")
        engine = repo.revlog("data/src/engine.py.i")
        repo.commit({"src/helpers.py": util.revision(len(util) - 1), "src/util.py": None,
                     "src/engine_copy.py": engine.revision(len(engine) - 1)},
                    "Rename util to helpers, copy engine", USER, self._date(),
                    copies={"src/helpers.py": "src/util.py",
                            "src/engine_copy.py": "src/engine.py"})


def _binary(seed: str, size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random.Random(seed).randbytes(size)
