"""explorer.notebook through IPython's real display machinery.

Every check goes through ``InteractiveShell.display_formatter.format``, the
call a Jupyter kernel makes, and reads the HTML back with an HTML parser:
rows, hover titles and marks are what a browser would see, and only the
tags the module writes may appear, whatever the store's names hold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("IPython")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from explorer.engine import Store  # noqa: E402
from explorer.engine.damage import faults  # noqa: E402
from explorer.notebook import tables  # noqa: E402
from tests import hgrepos as _hgrepos  # noqa: E402

OUR_TAGS = {"p", "b", "br", "code", "table", "thead", "tbody", "tr", "th", "td"}
HOSTILE = [b"<script>alert(1)<\\script>.txt", b"<img src=x onerror=alert(2)>.txt",
           b"amp&amp;quot\".txt", b"bad-\xff\xfe.bin", b"bidi-\xe2\x80\xaeevil.txt"]


class Parsed(HTMLParser):
    """The rows of the tables in some HTML: per row its style, title and cells
    (text, title), and every tag met."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.rows: list[dict] = []
        self.paragraphs: list[str] = []
        self._in: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag != "br":  # a void element: no end tag follows
            self._in.append(tag)
        if tag == "tr":
            self.rows.append({"style": a.get("style"), "title": a.get("title"), "cells": []})
        elif tag in ("td", "th"):
            self.rows[-1]["cells"].append([a.get("title"), ""])
        elif tag == "p":
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        assert self._in.pop() == tag  # well nested

    def handle_data(self, data):
        if "td" in self._in or "th" in self._in:
            self.rows[-1]["cells"][-1][1] += data
        elif "p" in self._in:
            self.paragraphs[-1] += data

    def body(self) -> list[list[str]]:
        """Texts of the data rows (not the header row)."""
        return [[text for _, text in row["cells"]] for row in self.rows[1:]]


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "explorer.notebook")
    return ip


def show(shell, obj) -> tuple[Parsed, str]:
    """What a kernel sends for ``obj``: its HTML, parsed, and its plain text."""
    data, _ = shell.display_formatter.format(obj)
    assert {"text/html", "text/plain"} <= set(data)
    html, text = data["text/html"], data["text/plain"]
    html.encode("utf-8"), text.encode("utf-8")  # a kernel sends both as UTF-8 JSON
    page = Parsed(html)
    assert page.tags <= OUR_TAGS
    return page, text


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from explorer.views import demo as demo_module

    with Store.open(demo_module.build(tmp_path_factory.mktemp("nb") / "demo")) as store:
        yield store


# -- revlogs and entries ---------------------------------------------------------------


def _counting_entries(rl, monkeypatch) -> list[int]:
    """Record every entry the display decodes."""
    read: list[int] = []
    decode = rl.entry
    monkeypatch.setattr(rl, "entry", lambda rev: read.append(rev) or decode(rev))
    return read


def test_a_revlog_shows_a_summary_and_its_first_and_last_rows(shell, demo, monkeypatch):
    rl = demo.manifest
    read = _counting_entries(rl, monkeypatch)
    page, text = show(shell, rl)
    half = tables.MAX_ROWS // 2
    shown = list(range(half)) + list(range(len(rl) - half, len(rl)))
    rows = page.body()
    assert len(rows) == tables.MAX_ROWS + 1
    assert rows[half] == [f"… {len(rl) - tables.MAX_ROWS} rows not shown …"]
    del rows[half]
    assert [int(r[0]) for r in rows] == shown
    assert sorted(set(read)) == shown  # only the rows shown were decoded
    assert "00manifest.i" in page.paragraphs[0] and f"revisions {len(rl)}" in page.paragraphs[0]
    for row in rows:
        e = rl.entry(int(row[0]))
        assert row == [str(e.rev), str(e.offset), "-", str(e.compressed_length),
                       str(e.uncompressed_length), str(e.base), str(e.link_rev), str(e.p1),
                       str(e.p2), e.node.hex()[:12]]
    assert f"… {len(rl) - tables.MAX_ROWS} rows not shown …" in text
    assert text.splitlines()[0] == "00manifest.i"


def test_rows_agree_with_hg_debugindex(shell, hgrepos):
    out = hgrepos.hg("zstd", "debugindex", "-m").decode().splitlines()[1:]
    hg = [line.split() for line in out]  # rev linkrev nodeid p1-nodeid p2-nodeid
    with Store.open(hgrepos("zstd")) as store:
        page, _ = show(shell, tables.rows(store.manifest, 0, 10))
        nodes = {r: store.manifest.node(r).hex() for r in range(10)}
    for row, (cells, mine) in zip(hg, zip(page.rows[1:], page.body())):
        assert [mine[0], mine[6], mine[9]] == row[:3]
        assert cells["cells"][9][0] == nodes[int(row[0])]  # the full node on hover


def test_a_big_revlog_decodes_only_the_rows_shown(shell, hgrepos, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 6)
    with Store.open(hgrepos("long-chain-sparse")) as store, store.filelog("chain.txt") as rl:
        read = _counting_entries(rl, monkeypatch)
        page, text = show(shell, rl)
    assert len(rl) == 2000
    assert [r[0] for r in page.body()] == ["0", "1", "2", "… 1994 rows not shown …",
                                           "1997", "1998", "1999"]
    assert len(set(read)) == 6
    assert len(text.splitlines()) == 6 + 1 + 1 + 6  # rows, gap line, header, name and 5 facts


def test_rows_window(shell, demo):
    page, text = show(shell, tables.rows(demo.changelog, 100, 103))
    assert [r[0] for r in page.body()] == ["100", "101", "102"]
    with pytest.raises(ValueError, match="not within"):
        tables.rows(demo.changelog, 5, len(demo.changelog) + 1)


def test_an_entry_names_its_flags(shell, hgrepos):
    with Store.open(hgrepos("censored")) as store, store.filelog("secret.txt") as rl:
        censored = next(r for r in rl if rl.is_censored(r))
        page, text = show(shell, rl.entry(censored))
    (row,) = page.rows[1:]
    assert row["cells"][2] == ["0x8000", "censored"]
    assert row["cells"][0][1] == str(censored)
    assert "censored" in text


# -- stores ------------------------------------------------------------------------------


def test_a_store_lists_requirements_and_revlogs(shell, hgrepos):
    with Store.open(hgrepos("split-inline")) as store:
        page, text = show(shell, store)
        expected = []
        for kind, path, rl in store.revlogs():
            expected.append([kind, path, str(len(rl)), rl.format_description(),
                             str(len(rl) * rl.entry_size), str(rl.end(len(rl) - 1))])
        requirements = sorted(store.requirements)
    assert page.body() == expected
    assert ", ".join(requirements) in page.paragraphs[0]
    formats = {row[1]: row[3] for row in expected}
    assert formats["data/big.txt.i"] == "v1 generaldelta"  # split
    assert formats["data/small.txt.i"] == "v1 inline generaldelta"
    assert "revlog-compression-zstd" in text


def test_a_store_shows_at_most_max_revlogs(shell, hgrepos, monkeypatch):
    monkeypatch.setattr(tables, "MAX_REVLOGS", 10)
    with Store.open(hgrepos("store-names")) as store:
        page, _ = show(shell, store)
        count = len(store.revlog_paths())
    rows = page.body()
    assert len(rows) == 11 and rows[-1] == [f"… {count - 10} rows not shown …"]


# -- hostile names ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A repository hg wrote with file names made to break HTML and UTF-8."""
    repo = tmp_path_factory.mktemp("hostile") / "repo"
    _hgrepos.hg(repo.parent, "init", repo.name)
    for name in HOSTILE:
        with open(os.path.join(os.fsencode(repo), name), "wb") as f:
            f.write(b"<script>alert('text')</script>\n")
    _hgrepos.hg(repo, "commit", "-q", "-A", "-m", "<b>names</b>", "-u", "<i>x</i>", "-d", "0 0")
    return repo


def test_hostile_names_are_escaped_in_a_store(shell, hostile):
    with Store.open(hostile) as store:
        page, text = show(shell, store)
        paths = [path for _, path in store.revlog_paths()]
    shown = {row[1] for row in page.body()}
    assert "data/<script>alert(1)<\\script>.txt.i" in shown
    assert "data/<img src=x onerror=alert(2)>.txt.i" in shown
    assert 'data/amp&amp;quot".txt.i' in shown
    assert "data/bad-\\xff\\xfe.bin.i" in shown
    assert "data/bidi-\\u202eevil.txt.i" in shown
    assert len(shown) == len(paths)
    assert "bad-\\xff\\xfe.bin" in text and "\u202e" not in text


def test_hostile_names_are_escaped_in_a_revlog_and_its_problems(shell, hostile, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(hostile, copy)
    name = "<img src=x onerror=alert(2)>.txt"
    with Store.open(copy) as store:
        rl = store.filelog(name)
        page, _ = show(shell, rl)
        assert page.paragraphs[0].startswith(f"data/{name}.i")
        faults.inject(rl, "flip-bit", 0)
    with Store.open(copy) as store:
        problems = [p for p in store.verify() if p.path == f"data/{name}.i"]
    assert problems
    for problem in problems:
        page, text = show(shell, problem)
        facts = dict(page.body())
        assert facts["path"] == f"data/{name}.i" and facts["rev"] == "0"
        assert facts["message"] == tables.printable(problem.message)
        assert f"path: data/{name}.i" in text


def test_printable_shows_what_bytes_are_there():
    assert tables.printable("a\udcffb") == "a\\xffb"
    assert tables.printable(b"\xe9t\xe9") == "\\xe9t\\xe9"
    assert tables.printable("tab\tnul\x00") == "tab\\x09nul\\x00"
    assert tables.printable("\ud800") == "\\ud800"
    assert tables.printable("héllo\n") == "héllo\n"


# -- problems --------------------------------------------------------------------------------


def test_a_problem_shows_its_fields(shell, hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "zstd")
    with Store.open(repo) as store:
        faults.inject(store.open_revlog("00manifest.i"), "wrong-node", 3)
    with Store.open(repo) as store:
        problem = next(p for p in store.verify() if p.rev == 3 and p.path == "00manifest.i")
    page, text = show(shell, problem)
    facts = dict(page.body())
    assert facts["severity"] == "error"
    assert page.rows[1]["style"]  # an error is marked
    assert facts["kind"] == problem.kind and facts["field"] == problem.field
    assert facts["offset"] == str(problem.offset)
    assert text.splitlines()[0] == "severity: error"


# -- delta chains --------------------------------------------------------------------------------


def test_a_chain_is_shown_like_the_chain_pane(shell, hgrepos):
    out = hgrepos.hg("long-chain-sparse", "debugdeltachain", "chain.txt", "--all-info", "-T",
                     "{rev} {deltatype} {compsize}\n").decode()
    hg = {int(r): (kind, int(size)) for r, kind, size in map(str.split, out.splitlines())}
    snap = next(r for r, (kind, _) in hg.items() if kind == "snap")
    with Store.open(hgrepos("long-chain-sparse")) as store, store.filelog("chain.txt") as rl:
        tip = next(r for r in range(snap + 1, len(rl)) if snap in rl.delta_chain(r))
        view = tables.chain(rl, tip)
        page, text = show(shell, view)
        links = rl.delta_chain(tip)
    assert [link.rev for link in view.links] == links
    rows = page.rows[1:]
    assert [r["cells"][0][1] for r in rows] == [str(r) for r in links]
    for row in rows:
        rev = int(row["cells"][0][1])
        assert row["cells"][2][1] == hg[rev][0]  # why: hg's delta type
        assert row["cells"][4][1] == str(hg[rev][1])  # stored bytes
        assert bool(row["style"]) == (hg[rev][0] in ("base", "snap"))
        assert row["title"].startswith(f"rev {rev}, link ")
    assert [r["cells"][3][1] for r in rows[:2]] == ["0", "1"]  # snapshot levels
    assert page.paragraphs[0] == view.summary()
    assert f"{len(links)} links, 2 snapshots" in text


def test_a_long_chain_is_bounded(shell, hgrepos):
    with Store.open(hgrepos("long-chain-sparse")) as store, store.filelog("chain.txt") as rl:
        view = tables.chain(rl, 1000)
    assert len(view.links) == 1001
    page, text = show(shell, view)
    assert len(page.body()) == tables.MAX_ROWS + 1
    assert f"… {1001 - tables.MAX_ROWS} rows not shown …" in text
    assert repr(view).startswith("<DeltaChain data/chain.txt.i rev 1000: 1001 links")


# -- the extension and the engine ------------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        check=True, capture_output=True, text=True).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def test_the_engine_and_the_notebook_module_import_no_display_library():
    assert "IPython" not in _modules_after("import explorer.engine, explorer.engine.verify.run")
    assert not _modules_after("import explorer.notebook") & {"IPython", "textual", "rich"}


def test_enable_outside_ipython_says_so():
    proc = subprocess.run([sys.executable, "-c", "import explorer.notebook as n; n.enable()"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "needs a running IPython" in proc.stderr


def test_registration_is_by_type_and_by_name(shell):
    from explorer.engine.revlog.revlog import Revlog
    from explorer.engine.verify.problems import Problem

    html = shell.display_formatter.formatters["text/html"]
    assert html.lookup_by_type(Revlog) is tables.revlog_html
    assert html.lookup_by_type(Problem) is tables.problem_html
