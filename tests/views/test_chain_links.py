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


def test_links_say_what_is_read(hgrepos):
    """Each link names the read bringing its chunk; the last one's counts are the chain's:
    as many reads as the engine's slices, their bytes (holes included) against the
    chunks' own. The long chain's filelog takes several reads for some revisions."""
    several = 0
    with Store.open(hgrepos("long-chain-sparse")) as store:
        rl = store.filelog("chain.txt")
        view = RevlogView(RevlogRef("filelog", "data/chain.txt.i", rl.index_path,
                                    rl.data_path), rl)
        for rev in range(0, len(rl), 37):
            links = chain_links(view, rev)
            slices = rl.read_slices(rev)
            number = {r: i for i, s in enumerate(slices, 1) for r in s.revs}
            assert [link.reads for link in links] == [number[link.rev] for link in links]
            assert links[-1].reads == len(slices)
            assert links[-1].read_bytes == sum(s.size for s in slices) >= links[-1].read
            assert links[-1].read == sum(link.stored for link in links)
            several += len(slices) > 1
    assert several > 0
