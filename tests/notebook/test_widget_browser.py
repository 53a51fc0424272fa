"""The widget in real headless Chromium, over a real kernel.

The page is a plain HTML page hosting the widget's ES module as anywidget
does (imported from a blob URL, its CSS in a style element), with a model
bridged to an ipykernel over the Jupyter protocol (``widget_host.js``): every
state change and window request goes to the kernel's widget and back.
Clicking an index row must change the delta-chain graph and the text;
clicking a node of the graph must select that revision. Nothing may be
fetched from the network. The screenshots go to the ``screenshots`` fixture's directory
(the README's ``screenshots/`` with REVLOG_EXPLORER_SCREENSHOTS=screenshots).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.notebook.kernel import Kernel, comm_data, widget_opened

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "explorer" / "notebook" / "widget" / "static"
HOST = Path(__file__).with_name("widget_host.js")

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is not installed")

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>widget</title>
<style>body { margin: 16px; background: #fff; }</style></head>
<body><div id="widget" style="width: 1180px"></div></body></html>"""


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    yield k
    k.close()


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1220, "height": 1000})
        yield page
        browser.close()


def open_widget(kernel: Kernel, page, path: Path, setup: str = "") -> tuple[str, list[str]]:
    """Run ``explore(path)`` in the kernel and host the widget in ``page``; the comm id
    and the URLs the page asked the network for (none may be)."""
    # from the repository's directory, as a user would: the widget's title names the
    # repository, not the test's temporary path
    messages = kernel.run(f"import os\nos.chdir({str(path.parent)!r})\n"
                          "from explorer.notebook import explore\n"
                          f"w = explore({path.name!r})\n{setup}\nw")
    comm_id, state = widget_opened(messages)
    state.update(json.loads(kernel.stdout("import json; print(json.dumps(w.get_state()))")))
    fetched: list[str] = []
    page.on("request", lambda request: request.url.startswith("blob:")  # the module itself
            or fetched.append(request.url))
    page.expose_function("kernelSend", lambda data: kernel.comm_send(comm_id, data))
    page.set_content(PAGE)
    page.add_script_tag(content=HOST.read_text())
    page.evaluate("([esm, css, state]) => window.startWidget(esm, css, state)",
                  [state["_esm"], state["_css"], state])
    return comm_id, fetched


def settled(page) -> None:
    """Every message to the kernel answered and every visible row drawn."""
    page.wait_for_function("window.kernelMessages === 0 && !document.querySelector('.rx-loading')")


def chain_revs(page) -> list[str]:
    return page.eval_on_selector_all(".rx-chain-svg .rx-tnode",
                                     "nodes => nodes.map(n => n.dataset.rev)")


def text_of(page) -> str:
    return page.inner_text(".rx-text-list")


def test_clicking_a_row_changes_the_chain_and_the_text(kernel, page, hgrepos, screenshots):
    path = hgrepos("long-chain-sparse")
    comm_id, fetched = open_widget(kernel, page, path,
                             "w.revlog = 'data/chain.txt.i'\nw.rev = 1003")
    settled(page)
    assert page.inner_text(".rx-title") == "data/chain.txt.i"
    before_chain, before_text = chain_revs(page), text_of(page)
    assert "rev 1003" in before_text
    row = page.locator(".rx-entry[data-rev='1001']")
    row.click()
    settled(page)
    assert page.get_attribute(".rx-entry.rx-selected", "data-rev") == "1001"
    after_chain = chain_revs(page)
    assert after_chain != before_chain
    assert after_chain[:2] == before_chain[:2]  # 1001 builds on the same full snapshot
    assert "rev 1001" in text_of(page) and text_of(page) != before_text
    assert kernel.stdout("print(w.rev)").strip() == "1001"
    # the tree's selected node is the one clicked, and it is a level-1 snapshot
    assert page.get_attribute(".rx-tnode.rx-selected", "class").split().count("rx-lvl-1") == 1

    # a node of the graph selects its revision too
    page.locator(".rx-chain-svg .rx-tnode[data-rev='1002']").click()
    settled(page)
    assert kernel.stdout("print(w.rev)").strip() == "1002"
    assert "rev 1002" in text_of(page)

    # keys move the selection in the index, and the kernel follows
    page.locator(".rx-index-list").focus()
    page.keyboard.press("ArrowDown")
    settled(page)
    assert kernel.stdout("print(w.rev)").strip() == "1003"
    page.keyboard.press("ArrowUp")
    settled(page)
    assert kernel.stdout("print(w.rev)").strip() == "1002"

    page.locator(".rx-tab[data-tab='delta']").click()
    settled(page)
    assert "rev 1002 = rev 1001 + a delta" in text_of(page)
    page.locator(".rx-tab[data-tab='text']").click()
    settled(page)

    # rev set from Python: the kernel's update reaches the page, which follows
    page.evaluate("data => window.deliver(data)", comm_data(kernel.run("w.rev = 1999"), comm_id))
    settled(page)
    assert page.get_attribute(".rx-entry.rx-selected", "data-rev") == "1999"
    assert page.get_attribute(".rx-tnode.rx-selected", "data-rev") == "1999"
    assert "… 990 links" in page.text_content(".rx-chain-svg")
    page.locator("#widget").screenshot(path=str(screenshots / "notebook-widget.png"))
    assert fetched == []


def test_hex_names_every_field_and_the_picker_switches_revlog(kernel, page, hgrepos,
                                                             screenshots):
    path = hgrepos("long-chain-sparse")
    _, fetched = open_widget(kernel, page, path, "w.revlog = 'data/chain.txt.i'\nw.rev = 1001")
    settled(page)
    page.locator(".rx-tab[data-tab='hex']").click()
    chips = page.locator(".rx-hex-section").first.locator(".rx-field .rx-chip").all_text_contents()
    assert chips == ["offset", "flags", "compressed length", "uncompressed length", "base",
                     "link rev", "p1", "p2", "node", "padding"]
    page.locator(".rx-hex-grid .rx-b[data-field='8']").first.hover()
    assert page.inner_text(".rx-hex-note").startswith("node")
    page.locator("#widget").screenshot(path=str(screenshots / "notebook-widget-hex.png"))

    page.fill(".rx-filter", "OTHER")
    page.wait_for_function("document.querySelectorAll('.rx-revlog').length === 1")
    page.locator(".rx-revlog").click()
    settled(page)
    assert page.inner_text(".rx-title") == "data/other.txt.i"
    shown = kernel.stdout("print(w.revlog, w.rev, w.count)").split()
    assert shown == ["data/other.txt.i", "7", "8"]
    assert page.locator(".rx-entry").count() == 8

    page.fill(".rx-goto", "3")
    page.press(".rx-goto", "Enter")
    page.wait_for_function("document.querySelector('.rx-entry.rx-selected').dataset.rev === '3'")
    page.fill(".rx-goto", "99")
    page.press(".rx-goto", "Enter")
    page.wait_for_function("document.querySelector('.rx-error').textContent !== ''")
    assert page.inner_text(".rx-error") == "no rev 99: data/other.txt.i has revisions 0 to 7"
    assert kernel.stdout("print(w.rev)").strip() == "3"
    assert fetched == []


def test_store_data_is_shown_as_text_never_markup(kernel, page, hgrepos, tmp_path):
    """A file named like markup, with markup in its content, stays text in the page."""
    from tests.hgrepos import hg

    repo = tmp_path / "repo"
    hg(tmp_path, "init", "repo")
    name = "<img src=x onerror=window.pwned=1>.txt"
    (repo / name).write_bytes(b"<script>window.pwned=2</script>\n")
    hg(repo, "commit", "-A", "-m", "<b>bold?</b>", "-u", "t", "-d", "0 0")
    open_widget(kernel, page, repo, "w.revlog = 'data/' + " + repr(name) + " + '.i'")
    settled(page)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".rx img, .rx script, .rx-text-list b").count() == 0
    assert "<script>window.pwned=2</script>" in text_of(page)
    assert name in page.inner_text(".rx-revlogs")


def test_a_damaged_revision_is_named_and_its_row_marked(kernel, page, hgrepos, tmp_path):
    from explorer.engine import Store
    from explorer.engine.damage.faults import inject

    repo = hgrepos.copy("zstd", tmp_path / "zstd")
    with Store.open(repo) as store:
        rl = store.open_revlog("data/src/main.py.i")
        rev = len(rl) - 1
        inject(rl, "truncate-data", rev)
    open_widget(kernel, page, repo, "w.revlog = 'data/src/main.py.i'\nw.rev = 0")
    settled(page)
    assert page.locator(".rx-entry.rx-damaged").count() == 0
    page.fill(".rx-goto", str(rev))
    page.press(".rx-goto", "Enter")
    page.wait_for_function("document.querySelector('.rx-error').textContent !== ''")
    settled(page)
    error = page.inner_text(".rx-error")
    assert error.startswith(f"rev {rev} cannot be rebuilt: ") and "main.py.i, byte" in error
    assert page.get_attribute(".rx-entry.rx-damaged", "data-rev") == str(rev)
    assert page.get_attribute(".rx-entry.rx-damaged", "title") == error.split(": ", 1)[1]
