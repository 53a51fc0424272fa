"""The delta chain pane's links: how each chunk is stored, as its entry and its bytes say."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.engine.format.compression import chunk_kind
from explorer.engine.format.constants import COMP_MODE_PLAIN
from explorer.views.chain_links import chain_links
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef


def _links_by_rev(store: Store, path: str, kind: str) -> tuple[object, dict]:
    rl = store.open_revlog(path)
    view = RevlogView(RevlogRef(kind, path, rl.index_path, rl.data_path), rl)
    links = {}
    for rev in range(len(rl)):
        links.update({link.rev: link for link in chain_links(view, rev)})
    return rl, links


@pytest.mark.parametrize("name", ["revlogv2", "zstd", "none"])
def test_compression_follows_the_entry_then_the_mark(hgrepos, name):
    """A v2 entry in plain mode holds data with no mark (its first byte may look
    like one); every other chunk says how it is stored by its first byte."""
    plain = 0
    with Store.open(hgrepos(name)) as store:
        for path, kind in (("00changelog.i", "changelog"), ("00manifest.i", "manifest")):
            rl, links = _links_by_rev(store, path, kind)
            for rev, link in links.items():
                raw = rl.raw_chunk(rev)
                if rl.entry(rev).data_compression_mode == COMP_MODE_PLAIN:
                    plain += 1
                    assert link.compression == ("plain" if raw else "empty")
                else:
                    assert link.compression == chunk_kind(raw) == rl.chunk_compression(rev)
    assert (plain > 0) == (name == "revlogv2")
