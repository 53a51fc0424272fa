"""The static displays in a notebook executed by a real kernel (nbclient + ipykernel).

The notebook is what a user writes: load the extension, open an hg-made
store, display it, a revision's text, its hex, verify's problems, a
graph and the copies. The outputs a kernel sends are checked as a front end receives
them; the page they make is shot in Chromium (when installed) for
``notebook-static.png`` in the ``screenshots`` fixture's directory.
"""

from __future__ import annotations

import html
import os
import xml.etree.ElementTree as ET

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CHROMIUM = "/usr/bin/chromium"

CELLS = [
    "%load_ext explorer.notebook\n"
    "from explorer.engine import Store\n"
    "from explorer.notebook import displays, graphs\n"
    "store = Store.open({repo!r})",
    "store",
    "displays.text(store.changelog, 5)",
    "displays.hexview(store.manifest, 3)",
    "displays.problems(store.verify())",
    "graphs.parents_graph(store.changelog, 20, 42)",
    "displays.copies(store)",
]


@pytest.fixture(scope="module")
def executed(hgrepos, tmp_path_factory):
    """The notebook run on a copy of the zstd repository with one revision damaged."""
    from explorer.engine import Store
    from explorer.engine.damage import faults

    repo = hgrepos.copy("zstd", tmp_path_factory.mktemp("kernel") / "repo")
    with Store.open(repo) as store:
        faults.inject(store.open_revlog("00manifest.i"), "wrong-node", 3)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c.format(repo=str(repo))) for c in CELLS]
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(repo)}}).execute()
    return nb, repo


def _data(nb, cell: int) -> dict:
    (output,) = [o for o in nb.cells[cell].outputs if o.output_type == "execute_result"]
    return output.data


def test_every_cell_runs_without_error(executed):
    nb, _ = executed
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_the_outputs_are_the_displays(executed, hgrepos):
    nb, repo = executed
    store_html = _data(nb, 1)["text/html"]
    assert "00changelog.i" in store_html and "data/README.txt.i" in store_html
    node = hgrepos.hg("zstd", "log", "-r", "5", "-T", "{node}").decode()
    text = html.unescape(_data(nb, 2)["text/html"])
    assert f"node {node}" in text and "hash ok" in text
    hexview = _data(nb, 3)["text/html"]
    assert "compressed length" in hexview and "link rev" in hexview
    problems = html.unescape(_data(nb, 4)["text/html"])
    assert "<td>00manifest.i</td>" in problems and "<td>3</td>" in problems
    svg = _data(nb, 5)["image/svg+xml"]
    drawn = ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}circle")
    assert len(list(drawn)) == 22 + 3  # the window's revisions, and the legend's


def test_the_copies_are_the_reports(executed):
    from explorer.engine import Store
    from explorer.views.copies import CopyTable, cells, copy_costs
    from tests.notebook.test_tables import Parsed

    nb, repo = executed
    with Store.open(repo) as store:
        expected = CopyTable(list(copy_costs(store)))
    assert expected.costs  # the standard history copies and renames
    page = Parsed(_data(nb, 6)["text/html"])
    assert page.paragraphs == [expected.summary()]
    assert [[text for _, text in row["cells"]] for row in page.rows[1:]] == \
        [cells(c) for c in expected.costs]
    assert _data(nb, 6)["text/plain"].startswith(expected.summary())


def test_the_page_in_chromium(executed, screenshots):
    if not os.path.exists(CHROMIUM):
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    nb, _ = executed
    parts = []
    for i in (4, 5, 2, 3, 1):  # problems and graph first: the screenshot shows them
        cell, data = nb.cells[i], _data(nb, i)
        parts.append(f"<pre style='color: #555'>In: {html.escape(cell.source)}</pre>")
        parts.append(data.get("image/svg+xml") or data["text/html"])
    page_html = ("<html><body style='font-family: sans-serif; font-size: 13px'>"
                 + "".join(parts) + "</body></html>")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1400})
            page.set_content(page_html)
            assert page.locator("table").count() >= 3
            page.screenshot(path=screenshots / "notebook-static.png")
        finally:
            browser.close()
