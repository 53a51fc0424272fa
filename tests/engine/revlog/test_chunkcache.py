"""The cache of decompressed chunks (hg's uncompressed chunk cache): a chunk decompressed to
rebuild a text is not decompressed again, by a chain sharing it or by a reader asking for
that revision's delta (verify's manifest pass), and the cache grows with the texts met."""

from __future__ import annotations

from explorer.engine import Store
from explorer.engine.format import compression


def counting(monkeypatch) -> list[int]:
    calls = []
    for name in ("decompress", "decompress_zstd"):
        original = getattr(compression, name)

        def count(raw, limit, original=original):
            calls.append(1)
            return original(raw, limit)

        monkeypatch.setattr(compression, name, count)
    return calls


def test_a_delta_read_for_its_text_is_not_decompressed_again(hgrepos, monkeypatch):
    with Store.open(hgrepos("long-chain-sparse")) as store:
        rl = store.filelog("chain.txt")
        calls = counting(monkeypatch)
        rev = len(rl) - 1
        text = rl.revision(rev)
        chain = rl.delta_chain(rev)
        assert len(calls) == len(chain)
        assert [rl.chunk(r) for r in chain][0] == rl.revision(chain[0])
        rl._inner.texts.clear()  # the texts gone, the chunks stay: nothing is inflated
        assert rl.revision(rev) == text
        assert len(calls) == len(chain)
        rl.clear_caches()
        rl.chunk(rev)
        assert len(calls) == len(chain) + 1


def test_the_bound_follows_the_largest_text(hgrepos):
    with Store.open(hgrepos("long-chain-sparse")) as store:
        rl = store.filelog("chain.txt")
        rl.revision(len(rl) - 1)
        assert rl._inner.chunks.max_bytes == 4 * rl.entry(len(rl) - 1).uncompressed_length
