"""explorer.notebook.displays against hg on repositories hg wrote.

Texts, hunks, nodes, parents and snapshots are what ``hg log``, ``hg cat``,
``hg debugdata`` and ``hg debugdeltachain`` say; the HTML is read back with
an HTML (or XML, for SVG) parser, as a browser would see it.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from explorer.notebook import displays, graphs, tables
from explorer.notebook.displays_problems import ranges
from tests import hgrepos as _hgrepos
from tests.notebook.test_tables import Parsed

SVG = "{http://www.w3.org/2000/svg}"


def _plain(obj) -> str:
    from IPython.lib.pretty import pretty

    return pretty(obj)


def _text_of(html: str) -> str:
    """The characters a browser shows for ``html`` (tags dropped, entities read)."""
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]*>", "", html))


# -- text and delta ----------------------------------------------------------------


def test_a_changeset_shows_hgs_fields(hgrepos):
    out = hgrepos.hg("zstd", "log", "-r", "5", "-T", "{node}\n{author}\n{desc}\n{files}\n")
    node, user, desc, files = out.decode().split("\n", 3)
    with Store.open(hgrepos("zstd")) as store:
        view = displays.text(store.changelog, 5)
        shown = _text_of(view._repr_html_())
        plain = _plain(view)
    assert "rev 5" in shown and f"node {node}" in shown and "hash ok" in shown
    assert user in shown and desc.splitlines()[0] in shown
    for name in files.split():
        assert name in shown
    assert plain.splitlines()[0] == shown.splitlines()[0]


def test_a_file_text_is_hg_cat(hgrepos):
    with Store.open(hgrepos("zstd")) as store, store.filelog("README.txt") as rl:
        rev = len(rl) - 1
        link = rl.entry(rev).link_rev
        shown = _text_of(displays.text(rl, rev)._repr_html_())
    cat = hgrepos.hg("zstd", "cat", "-r", str(link), "README.txt").decode()
    numbered = [re.sub(r"^ *\d+ ", "", line) for line in shown.splitlines()
                if re.match(r"^ *\d+ ", line)]
    assert numbered == cat.splitlines()


def test_a_delta_lists_hunks_against_hgs_delta_parent(hgrepos):
    out = hgrepos.hg("long-chain-sparse", "debugdeltachain", "chain.txt", "--all-info", "-T",
                     "{rev} {prevrev} {deltatype}\n").decode()
    hg = {int(r): (int(p), kind) for r, p, kind in map(str.split, out.splitlines())}
    delta_rev = next(r for r, (_, kind) in hg.items() if kind not in ("base", "snap"))
    full_rev = next(r for r, (_, kind) in hg.items() if kind == "base")
    with Store.open(hgrepos("long-chain-sparse")) as store, store.filelog("chain.txt") as rl:
        shown = _text_of(displays.delta(rl, delta_rev)._repr_html_())
        full = _text_of(displays.delta(rl, full_rev)._repr_html_())
        with pytest.raises(ValueError, match="not within"):
            displays.delta(rl, len(rl))
    assert f"rev {delta_rev} = rev {hg[delta_rev][0]} + a delta of" in shown
    assert "hunk 1" in shown
    assert "stored whole: a full snapshot" in full


# -- hex -----------------------------------------------------------------------------


def test_hex_names_every_field_of_the_entry(hgrepos):
    out = hgrepos.hg("zstd", "log", "-r", "3", "-T", "{manifest % '{node}'}").decode()
    with Store.open(hgrepos("zstd")) as store:
        rl = store.manifest
        rev = 3
        view = displays.hexview(rl, rev)
        page = Parsed(view._repr_html_())
        text = _plain(view)
        entry_bytes = rl.entry_bytes(rev)
    fields = {row[1]: row for row in page.body() if row and len(row) == 4}
    assert {"offset", "flags", "compressed length", "uncompressed length", "base", "link rev",
            "p1", "p2", "node", "padding"} <= set(fields)
    assert fields["node"][3].startswith(f"Node {out}")
    assert fields["link rev"][2] == entry_bytes[20:24].hex(" ")
    assert "chunk of rev 3 as stored" in " ".join(page.paragraphs)
    assert "zstd magic" in {r[1] for r in page.body() if len(r) == 4}
    assert "node" in text and "zstd magic" in text


# -- problems ---------------------------------------------------------------------------


def test_ranges():
    assert ranges([7, 0, 1, 2, 3, 9, 10, None]) == "0-3, 7, 9-10"
    assert ranges([None]) == "-"
    assert ranges(range(0, 40, 2), most=4) == "0, 2, 4, … 16 more …, 38"


def test_problems_show_one_row_per_cause(hgrepos, tmp_path):
    repo = hgrepos.copy("long-chain-sparse", tmp_path / "repo")
    with Store.open(repo) as store:
        faults.inject(store.filelog("chain.txt"), "truncate-data", 1500)
    with Store.open(repo) as store:
        found = store.verify()
    view = displays.problems(found)
    page = Parsed(view._repr_html_())
    assert len(found) > 100  # every revision after the cut is lost
    causes = {(p.path, p.kind, p.field) for p in found}
    rows = page.body()
    assert len(rows) == len(causes) < 10
    for row in rows:
        mine = [p for p in found if (p.path, p.kind, p.field) == (row[1], row[2], row[3])]
        assert row[4] == str(len(mine))
        assert row[5] == ranges(p.rev for p in mine)
    assert page.paragraphs[0] == f"{len(found)} problems ({len(found)} errors) from " \
                                 f"{len(causes)} causes"
    assert _plain(view).startswith(page.paragraphs[0])
    assert _plain(displays.problems([])) == "no problems"


# -- graphs --------------------------------------------------------------------------------


def _drawn(svg: str) -> tuple[dict[int, ET.Element], list[ET.Element]]:
    """The revisions drawn (by label) and the edges of an SVG drawing."""
    root = ET.fromstring(svg)
    nodes = {}
    for g in root.iter(f"{SVG}g"):
        nodes[int(g.find(f"{SVG}text").text)] = g
    return nodes, list(root.iter(f"{SVG}path"))


def test_a_parents_graph_is_drawn_with_hgs_parents(hgrepos):
    out = hgrepos.hg("zstd", "log", "-T", "{rev} {p1rev} {p2rev}\n").decode()
    hg = {int(r): (int(a), int(b)) for r, a, b in map(str.split, out.splitlines())}
    with Store.open(hgrepos("zstd")) as store:
        g = graphs.parents_graph(store.changelog)
    nodes, edges = _drawn(displays.draw(g)._repr_svg_())
    assert set(nodes) == set(hg)
    assert len(edges) == sum(p != -1 for ps in hg.values() for p in set(ps))
    for rev, node in nodes.items():
        assert node.find(f"{SVG}title").text.startswith(f"rev {rev}, ")
    merge = next(r for r, (a, b) in hg.items() if b != -1)
    assert f"p2 {hg[merge][1]}" in nodes[merge].find(f"{SVG}title").text


def test_a_window_marks_parents_outside_it(hgrepos):
    with Store.open(hgrepos("zstd")) as store:
        rl = store.changelog
        g = graphs.parents_graph(rl, 30, 37)
        outside = sorted(p for r in range(30, 37) for p in set(rl.parents(r)) if -1 < p < 30)
    root = ET.fromstring(displays.draw(g)._repr_svg_())
    stubs = [line.find(f"{SVG}title").text for line in root.iter(f"{SVG}line")]
    assert outside and sorted(int(t.split()[1].rstrip(",")) for t in stubs) == outside


def test_a_delta_forest_colours_snapshots_as_hg_types_them(hgrepos):
    out = hgrepos.hg("long-chain-sparse", "debugdeltachain", "chain.txt", "--all-info", "-T",
                     "{rev} {deltatype}\n").decode()
    kinds = dict(line.split() for line in out.splitlines())
    with Store.open(hgrepos("long-chain-sparse")) as store, store.filelog("chain.txt") as rl:
        short = [r for r in range(len(rl)) if len(rl.delta_chain(r)) < 20][-60:]
        g = graphs.delta_forest(rl, short)
    nodes, edges = _drawn(displays.draw(g)._repr_svg_())
    assert set(nodes) == set(g) and len(edges) == g.number_of_edges()
    assert {"base", "snap"} <= {kinds[str(r)] for r in nodes}
    colour = {r: n.find(f"{SVG}circle").get("fill") for r, n in nodes.items()}
    from explorer.notebook.displays_svg import COLOURS
    expected = {"base": COLOURS["full"], "snap": COLOURS["intermediate"]}
    assert colour == {r: expected.get(kinds[str(r)], COLOURS[None]) for r in nodes}


def test_too_big_a_graph_says_so(hgrepos, monkeypatch):
    from explorer.notebook import displays_svg

    monkeypatch.setattr(displays_svg, "MAX_NODES", 10)
    with Store.open(hgrepos("zstd")) as store:
        svg = displays.draw(graphs.parents_graph(store.changelog))._repr_svg_()
    assert "too many to draw (at most 10)" in svg
    with pytest.raises(ValueError, match="explorer.notebook.graphs"):
        displays.draw(__import__("networkx").path_graph(3))


def test_enable_draws_graphs_and_leaves_other_graphs_alone(hgrepos):
    import networkx as nx
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "explorer.notebook")
    with Store.open(hgrepos("zstd")) as store:
        data, _ = shell.display_formatter.format(graphs.parents_graph(store.changelog, 0, 5))
    assert data["image/svg+xml"].startswith("<svg")
    data, _ = shell.display_formatter.format(nx.path_graph(3, create_using=nx.DiGraph))
    assert "image/svg+xml" not in data


# -- store pages ------------------------------------------------------------------------------


def test_the_store_pages_past_its_first_revlogs(hgrepos, monkeypatch):
    monkeypatch.setattr(tables, "MAX_REVLOGS", 10)
    with Store.open(hgrepos("store-names")) as store:
        paths = [path for _, path in store.revlog_paths()]
        first = Parsed(tables.store_html(store))
        page = Parsed(displays.revlogs(store, 10, 20)._repr_html_())
        last = Parsed(displays.revlogs(store, 20)._repr_html_())
        with pytest.raises(ValueError, match="not within"):
            displays.revlogs(store, 5, len(paths) + 1)
    assert len(paths) > 20
    assert first.paragraphs[1] == (f"revlogs 0..9 of {len(paths)}; the next: "
                                   "explorer.notebook.tables.revlogs(store, 10, 20)")
    assert [row[1] for row in page.body()] == [tables.printable(p) for p in paths[10:20]]
    assert page.paragraphs[1].startswith(f"revlogs 10..19 of {len(paths)}; the next: ")
    assert [row[1] for row in last.body()] == [tables.printable(p) for p in paths[20:30]]


# -- escaping -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """A repository hg wrote whose file name and text hold a <script> element."""
    repo = tmp_path_factory.mktemp("scripted") / "repo"
    _hgrepos.hg(repo.parent, "init", repo.name)
    with open(os.path.join(repo, "<script>alert(1).txt"), "wb") as f:
        f.write(b"<script>alert('text')</script>\n")
    _hgrepos.hg(repo, "commit", "-q", "-A", "-m", "<script>alert(3)</script>", "-u", "<b>x</b>",
                "-d", "0 0")
    return repo


def test_script_in_names_and_texts_is_escaped(scripted, monkeypatch):
    monkeypatch.setattr(tables, "MAX_REVLOGS", 1)
    with Store.open(scripted) as store:
        name = "<script>alert(1).txt"
        rl = store.filelog(name)
        shown = [displays.text(rl, 0)._repr_html_(), displays.delta(rl, 0)._repr_html_(),
                 displays.hexview(rl, 0)._repr_html_(),
                 displays.text(store.changelog, 0)._repr_html_(),
                 displays.revlogs(store, 2)._repr_html_(),
                 displays.draw(graphs.parents_graph(rl))._repr_svg_()]
        store_page = Parsed(shown[4])
    for html in shown:
        assert "<script" not in html
    for i in (0, 3, 4, 5):  # those that show the text or the name
        assert "&lt;script&gt;" in shown[i]
    assert _text_of(shown[0]).count("<script>alert('text')</script>") == 1
    assert f"data/{name}.i" in {row[1] for row in store_page.body()}
    assert "<script>alert(3)</script>" in _text_of(shown[3])
    ET.fromstring(shown[5])  # still well-formed XML
