"""A repository of many changesets (10^6 for the benchmarks) that hg accepts, written by
our engine and cached, for the repository queries (``benchmarks/repoqueries.py``).

Committing through hg (or our ``Committer``) costs milliseconds a changeset; this writes
the three revlogs directly with ``Revlog.add_revision``, a minute or two a million. The
history repeats a 100-changeset cycle: ``default`` runs through it, a long-lived
``stable`` branch takes 20 changesets of each cycle (its first forks from the previous
cycle's last ``stable`` changeset) and is merged back into ``default`` at the cycle's
80th; every 50 cycles (from cycle 5) the cycle's last ten changesets are a ``topic-C``
branch left unmerged, closed every other time. One file, ``f``, changes on the first
changeset of each cycle (a new file revision and manifest); the other changesets list
no file and keep their first parent's manifest, as hg's own branch-only commits do.

Phases, bookmarks and obsolescence markers are then set by hg commands, as
``repoqueries.prepare`` sets them on a real history (``prepare_names``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.history import cache_dir  # noqa: E402

CYCLE = 100
TOPIC_EVERY = 50
EVOLVE = ["--config", "experimental.evolution=createmarkers"]
USER = "bench <bench@example.org>"
HG = shutil.which("hg") or str(Path(sys.executable).with_name("hg"))


def shape(rev: int) -> tuple[int, int, str, bool]:
    """(p1, p2, branch, closes the branch) of changeset ``rev``."""
    cycle, k = divmod(rev, CYCLE)
    if rev == 0:
        return -1, -1, "default", False
    if 60 <= k < 80:
        if k > 60:
            return rev - 1, -1, "stable", False
        return (rev - 81 if cycle else rev - 11), -1, "stable", False
    if k == 80:
        return rev - 21, rev - 1, "default", False
    if _topic(cycle) and k >= 90:
        return rev - 1, -1, f"topic-{cycle}", k == CYCLE - 1 and cycle % (2 * TOPIC_EVERY) == 5
    if k == 0 and _topic(cycle - 1):
        return rev - 11, -1, "default", False  # default goes on from before the topic
    return rev - 1, -1, "default", False


def _topic(cycle: int) -> bool:
    return cycle % TOPIC_EVERY == 5


def write_history(path: Path, count: int, progress=None) -> None:
    """A new repository at ``path`` with ``count`` changesets shaped by ``shape``."""
    from explorer.engine.payloads.changeset import format_changeset
    from explorer.engine.repo.repo import Repo

    manifest_of = array("i")  # each changeset's manifest revision
    with Repo.init(path, sparse=False) as repo:
        cl, ml = repo.revlog("00changelog.i"), repo.revlog("00manifest.i")
        fl = repo.revlog("data/f.i")
        step = 50_000
        for first in range(0, count, step):
            with repo.transaction() as tr:
                for rev in range(first, min(count, first + step)):
                    p1, p2, branch, closes = shape(rev)
                    files: list[str] = []
                    if rev % CYCLE == 0:
                        m = len(ml)
                        fnode = fl.node(fl.add_revision(b"version %d\n" % rev, m - 1, -1, rev, tr))
                        ml.add_revision(b"f\0%s\n" % fnode.hex().encode(), m - 1, -1, rev, tr)
                        files = ["f"]
                    else:
                        m = manifest_of[p1]
                    manifest_of.append(m)
                    extra = {"branch": branch, **({"close": "1"} if closes else {})}
                    text = format_changeset(ml.node(m), USER, (1_600_000_000 + 60 * rev, 0),
                                            files, f"change {rev}", extra)
                    cl.add_revision(text, p1, p2, rev, tr)
            if progress:
                progress(min(count, first + step))


def hg(path: Path, *args: str) -> str:
    """Run hg in ``path`` (no user configuration, evolution markers on)."""
    env = {**os.environ, "HGRCPATH": os.devnull, "HGPLAIN": "1", "HGUSER": "bench"}
    return subprocess.run([HG, *EVOLVE, *args], cwd=path, env=env,
                          check=True, capture_output=True, text=True).stdout


def prepare_names(path: Path, count: int) -> None:
    """Through hg, as ``repoqueries.prepare``: the last 400 changesets draft, the last 50
    secret, 30 bookmarks over the last 3000, the 20 newest pruned by markers."""
    hg(path, "phase", "--force", "--draft", "-r", "last(all(), 400)")
    hg(path, "phase", "--force", "--secret", "-r", "last(all(), 50)")
    low = max(0, count - 3000)
    for i, rev in enumerate(range(low, count, 100)):
        hg(path, "bookmark", "-r", str(rev), f"mark-{i}")
    nodes = hg(path, "log", "-r", "last(all(), 20)", "-T", "{node}\n").split()
    for node in nodes:
        hg(path, "debugobsolete", node)


def build(count: int) -> Path:
    """The prepared repository of ``count`` changesets, built once into the cache."""
    where = cache_dir() / "repoqueries" / f"changesets-{count}"
    repo = where / "repo"
    if (where / "complete").exists():
        return repo
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    start = time.perf_counter()
    write_history(repo, count, lambda done: print(
        f"  {done:,} changesets ({time.perf_counter() - start:.0f} s)", file=sys.stderr))
    prepare_names(repo, count)
    print(f"  prepared ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    (where / "complete").write_text("ok\n")
    return repo
