"""The widget in a notebook run by a real kernel (nbclient + ipykernel) on an hg-made store.

The notebook sets ``revlog`` and ``rev`` from Python, observes them, and prints
what the widget computed; nbclient records the widget state a front end would
hold. Then, as a browser's widget manager does, the test sends the widget's
comm the window requests of the index, the revlog list and the text, and checks
the kernel's answers against Mercurial's own view of the store (the oracle).
"""

from __future__ import annotations

import json

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from tests.notebook.kernel import TIMEOUT, custom_replies

FILELOG = "data/src/lib/core.py.i"  # 7 revisions, the last a merge (parents 5 and 4)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def notebook(path) -> nbformat.NotebookNode:
    cells = [
        f"from explorer.notebook import explore\nw = explore({str(path)!r})\nw",
        "import json\n"
        "seen = []\n"
        "w.observe(lambda change: seen.append([change.name, change.new]), ['revlog', 'rev'])\n"
        f"w.revlog = {FILELOG!r}\n"
        "w.rev = 2\n"
        "w.rev = 6\n"
        "print(json.dumps({'seen': seen, 'rev': w.rev, 'count': w.count, 'chain': w.chain,\n"
        "                  'dag': w.dag, 'text': w.text, 'hex': w.hexdump}))",
        "try:\n    w.rev = 99\nexcept Exception as err:\n    print(type(err).__name__, err)\n"
        "print(w.rev)",
    ]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


class Session:
    """nbclient's kernel, running the notebook, then talking to the widget's comm."""

    def __init__(self, client: NotebookClient, comm_id: str) -> None:
        self.client = client
        self.comm_id = comm_id

    def ask(self, request: dict) -> dict:
        kc = self.client.kc
        msg = kc.session.msg("comm_msg", {"comm_id": self.comm_id,
                                          "data": {"method": "custom", "content": request}})
        kc.shell_channel.send(msg)
        data = []
        while True:
            reply = run_sync(kc.get_iopub_msg)(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
                break
            if reply["msg_type"] == "comm_msg":
                data.append(reply["content"]["data"])
        (answer,) = custom_replies(data)
        return answer


@pytest.fixture(scope="module")
def ran(hgrepos, tmp_path_factory):
    """The executed notebook, the widget's state as nbclient recorded it, and the
    answers to the window requests sent after the run."""
    path = hgrepos("zstd")
    nb = notebook(path)
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            client.execute_cell(cell, i)
        model_id = nb.cells[0].outputs[0]["data"][WIDGET_VIEW]["model_id"]
        session = Session(client, model_id)
        answers = {
            "index": session.ask({"kind": "index", "revlog": FILELOG, "start": 0, "stop": 50,
                                  "id": 1}),
            "revlogs": session.ask({"kind": "revlogs", "filter": "", "start": 0, "stop": 100,
                                    "id": 2}),
            "core": session.ask({"kind": "revlogs", "filter": "CORE", "start": 0, "stop": 10,
                                 "id": 3}),
            "lines": session.ask({"kind": "lines", "revlog": FILELOG, "rev": 6, "mode": "text",
                                  "start": 0, "stop": 500, "id": 4}),
            "stale": session.ask({"kind": "lines", "revlog": FILELOG, "rev": 5, "mode": "text",
                                  "start": 0, "stop": 200, "id": 5}),
        }
        client.set_widgets_metadata()
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    return nb, state[model_id]["state"], answers


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_setting_rev_from_python_updates_the_views(ran, hgrepos):
    nb, _, _ = ran
    oracle = hgrepos.oracle("zstd")["revlogs"][FILELOG]["revs"]
    out = json.loads(printed(nb.cells[1]))
    # opening a revlog selects its tip (notified first: it happens while opening)
    assert out["seen"] == [["rev", 6], ["revlog", FILELOG], ["rev", 2], ["rev", 6]]
    assert (out["rev"], out["count"]) == (6, len(oracle))
    chain = [n["rev"] for n in out["chain"]["nodes"] if n["chain"]]
    assert chain == oracle[6]["delta_chain"]
    levels = {n["rev"]: n["level"] for n in out["chain"]["nodes"]}
    assert levels == {r["rev"]: r["snapshot_depth"] for r in oracle if r["rev"] in levels}
    dag = {n["rev"]: n["parents"] for n in out["dag"]["nodes"]}
    assert dag[6] == [oracle[6]["p1"], oracle[6]["p2"]]
    assert out["text"]["rev"] == 6 and out["text"]["mode"] == "text"
    entry, chunk = out["hex"][:2]
    assert [32, 52, "node"] in [span[:3] for span in entry["spans"]]
    assert bytes.fromhex(entry["hex"])[32:52] == oracle[6]["node"]
    assert bytes.fromhex(chunk["hex"]) == oracle[6]["chunk"]


def test_a_bad_rev_is_refused_with_the_range(ran):
    nb, _, _ = ran
    assert printed(nb.cells[2]).splitlines() == [
        f"TraitError rev 99 is out of range: {FILELOG} has revisions 0 to 6", "6"]


def test_the_front_end_state_follows(ran):
    _, state, _ = ran
    assert (state["revlog"], state["rev"], state["count"]) == (FILELOG, 6, 7)
    assert state["chain"]["rev"] == 6 and state["dag"]["rev"] == 6
    assert "index" not in json.dumps(state["text"])  # lines are asked for, never state


def test_index_window_is_hgs_index(ran, hgrepos):
    _, _, answers = ran
    oracle = hgrepos.oracle("zstd")["revlogs"][FILELOG]["revs"]
    rows = answers["index"]["rows"]
    assert answers["index"]["id"] == 1
    assert [(r["rev"], r["stored"], r["size"], r["base"], r["link"], r["p1"], r["p2"],
             r["node"], int(r["flags"], 16)) for r in rows] == [
        (o["rev"], o["compressed_length"], o["uncompressed_length"], o["base"], o["linkrev"],
         o["p1"], o["p2"], o["node"].hex()[:12], o["flags"]) for o in oracle]
    assert [r["chain"] for r in rows] == [len(o["delta_chain"]) for o in oracle]


def test_revlog_window_lists_hgs_revlogs(ran, hgrepos):
    _, _, answers = ran
    revlogs = hgrepos.oracle("zstd")["revlogs"]
    listed = answers["revlogs"]
    assert listed["total"] == len(revlogs)
    assert {r["path"]: r["revisions"] for r in listed["rows"]} == {
        path: rl["len"] for path, rl in revlogs.items()}
    assert [r["path"] for r in answers["core"]["rows"]] == sorted(
        p for p in revlogs if "core" in p.lower())


def test_lines_window_is_the_revision_text(ran, hgrepos):
    _, _, answers = ran
    text = hgrepos.oracle("zstd")["revlogs"][FILELOG]["revs"][6]["rawdata"]
    lines = answers["lines"]["lines"]
    # each line of the content: its number (dim), then the line itself
    content = [runs[-1][0] for runs, _ in lines[-text.count(b"\n"):]]
    assert "\n".join(content) + "\n" == text.decode()
    assert all(runs[0][1] == "dim" for runs, _ in lines[-text.count(b"\n"):])
    assert answers["stale"]["stale"] is True and answers["stale"]["lines"] == []
