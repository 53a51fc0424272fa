"""Repositories the report tests need beyond the shared specs (tests/hgrepos.py).

All are written by Mercurial itself:

* ``worktree``: a small repository made with the hg command line, with a
  checked-out working directory (a subdirectory to run from), a merge and a
  copy.
* ``odd``: revlogs written through Mercurial's storage API with what normal
  commits rarely produce: empty deltas (a revision identical to its delta
  parent), and revisions whose first parent is null while the second is not
  (listed in "canonical" order by all revlogs but filelogs).
* ``dag``: a long synthetic history from ``hg debugbuilddag``: a 2000
  revision filelog and manifest with intermediate snapshots.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.reports.hgserver import hg_environment, hg_executable


def hg(cwd: Path, *args: str) -> None:
    subprocess.run([hg_executable(), *args], cwd=cwd, env=hg_environment(), check=True,
                   stdout=subprocess.DEVNULL)


def worktree(path: Path) -> Path:
    hg(path.parent, "init", path.name)
    (path / "sub").mkdir()
    (path / "a.txt").write_text("".join(f"line {i}\n" for i in range(40)))
    (path / "sub" / "b.txt").write_text("b\n" * 30)
    hg(path, "commit", "-Am", "base", "-d", "0 0")
    with open(path / "a.txt", "a") as f:
        f.write("more\n")
    hg(path, "commit", "-m", "edit a", "-d", "1 0")
    hg(path, "update", "0")
    hg(path, "copy", "sub/b.txt", "sub/c.txt")
    with open(path / "sub" / "b.txt", "a") as f:
        f.write("tail\n")
    hg(path, "commit", "-m", "copy b", "-d", "2 0")
    hg(path, "merge", "1")
    hg(path, "commit", "-m", "merge", "-d", "3 0")
    return path


_ODD_SCRIPT = r'''
import sys
from mercurial import hg, metadata, ui as uimod
repo = hg.repository(uimod.ui.load(), sys.argv[1].encode())
null = repo.nullid
with repo.lock(), repo.transaction(b"odd") as tr:
    fl = repo.file(b"f", writable=True)
    base = b"".join(b"line %d\n" % i for i in range(40))
    f0 = fl.add(base, None, tr, 0, null, null)
    f1 = fl.add(base + b"x\n", None, tr, 1, f0, null)
    f2 = fl.add(base + b"x\n", None, tr, 2, f1, f0)      # same text as p1: empty delta
    f3 = fl.add(base + b"x\ny\n", None, tr, 3, f2, null)  # p1 has an empty delta: skip1
    f4 = fl.add(base + b"x\n", None, tr, 4, f3, f2)      # text of p2 (empty delta): skip2
    f5 = fl.add(base + b"z\n", None, tr, 5, null, f4)    # null p1, real p2
    f6 = fl.add(base + b"w\n", None, tr, 6, null, f0)
    ml = repo.manifestlog.getstorage(b"")._revlog
    cl = repo.changelog
    mnodes, cnodes = [], []
    listed = [f0, f1, f1, f3, f4, f5, f6]  # manifest 2 repeats manifest 1: an empty delta
    parents = [(None, None), (0, None), (1, 0), (2, None), (3, 2), (None, 4), (None, 0)]
    for i, (p1, p2) in enumerate(parents):
        mp1 = mnodes[p1] if p1 is not None else null
        mp2 = mnodes[p2] if p2 is not None else null
        text = b"f\0" + listed[i].hex().encode() + b"\n"
        mnodes.append(ml.node(ml.addrevision(text, tr, i, mp1, mp2)))
        cp1 = cnodes[p1] if p1 is not None else null
        cp2 = cnodes[p2] if p2 is not None else null
        files = metadata.ChangingFiles(touched=[b"f"])
        cnodes.append(cl.add(mnodes[i], files, b"rev %d" % i, tr, cp1, cp2, b"test",
                             b"%d 0" % i))
'''


def odd(path: Path) -> Path:
    hg(path.parent, "init", path.name)
    subprocess.run([sys.executable, "-c", _ODD_SCRIPT, str(path)], env=hg_environment(),
                   check=True)
    return path


def dag(path: Path) -> Path:
    hg(path.parent, "init", path.name)
    hg(path, "debugbuilddag", "-m", "+1200:a *a/2 +800")
    return path


BUILDERS = {"worktree": worktree, "odd": odd, "dag": dag}
