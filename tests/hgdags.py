"""DAGs for ``hg debugbuilddag``: named shapes, and the text of any parents list.

``hg debugbuilddag TEXT`` writes a changelog of the shape TEXT describes
(``+N`` N revisions in a line, ``:name`` labels the last one, ``<name``
continues from a label, ``*a/b`` a merge, ``$`` a new root; a number after
``*`` or ``<`` counts back from the revision being added). The graph query
tests compare our answers with hg's on these repositories, which
``build_dag`` writes with hg's Python API in-process (no hg start-up per
repository: hypothesis draws many).
"""

from __future__ import annotations

from pathlib import Path

from mercurial import debugcommands, hg
from mercurial import ui as uimod

#: Shapes that each make a query take a path the others do not.
NAMED_DAGS = {
    "linear": "+12",
    "criss-cross": "+3:a <a+2:b <a+1:c *b/c:m1 *c/b:m2 *m1/m2 +2 <b +3",
    "double-criss-cross": "+2:a <a+1:b <a+1:c *b/c:m1 *c/b:m2 <m1+1:d <m2+1:e *d/e *e/d +1",
    "heads-and-roots": "+4:a +3 <a +2:b <a +5 $ +3:r <b +1 *r/b +2 $ +2",
    "long-branches": "+30:a <a+25:b <a+20:c *b/c +5 *c/b <b+10 *b/c",
}


def dag_text(parents: list[tuple[int, int]]) -> str:
    """The debugbuilddag text of a DAG given as the (p1, p2) of each revision, each
    parent an earlier revision or -1, p2 -1 unless p1 is not."""
    steps = []
    for rev, (p1, p2) in enumerate(parents):
        if p1 < 0:
            steps.append("$ +1")
        elif p2 < 0:
            steps.append(f"*{rev - p1}")
        else:
            steps.append(f"*{rev - p1}/{rev - p2}")
    return " ".join(steps)


def hg_ui(config: dict[str, str] | None = None) -> uimod.ui:
    """A ui with hg's defaults only (no user or system configuration) and ``config``."""
    ui = uimod.ui()
    ui.setconfig(b"ui", b"quiet", b"yes")
    for key, value in (config or {}).items():
        section, name = key.split(".", 1)
        ui.setconfig(section.encode(), name.encode(), value.encode())
    return ui


def build_dag(path: Path, text: str) -> Path:
    """A repository whose changelog has the DAG ``text``, written by hg's
    ``debugbuilddag``: with one root, a file whose filelog (and the manifest)
    follows it, merges included; with several (where that file cannot be
    merged), a new file at each revision."""
    ui = hg_ui()
    repo = hg.repository(ui, str(path).encode(), create=True)
    one_root = "$" not in text
    debugcommands.debugbuilddag(ui, repo, text.encode(), mergeable_file=one_root,
                                new_file=not one_root)
    return path
