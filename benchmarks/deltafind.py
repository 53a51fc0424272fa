"""debug-delta-find against hg on a real history: how many revisions' outputs differ.

For the manifest and the biggest filelogs (by revisions) of an hg repository,
every revision's ``debug-delta-find`` (``--source full``) is run by hg (a command
server, in a copy given an empty ``.d`` beside each inline index, which hg 7.2.4
needs) and by our report twice: with our compact bdiff (the report before
``format.hgdiff``) and with hg's algorithm (the report now). The two timings are
masked. A differing output is put down to its delta sizes when some
``uncompressed-delta-size`` differs, else to compression (the compressed
``length=`` lines differ). A third run, hg's algorithm with hg's own compressor
(its bundled zstd) in place of ours, shows whether compression is all that is left.

For compression it also compresses every delta our search built with the store's
engine both ways, ours (``zstandard`` package) and hg's (its bundled zstd), and
counts the deltas whose compressed sizes differ.

    python benchmarks/deltafind.py REPO [--filelogs 4] [--every 1]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.read import machine  # noqa: E402
from explorer.engine import Store  # noqa: E402
from explorer.reports import deltafind  # noqa: E402
from explorer.reports.target import Selection, open_store, resolve  # noqa: E402
from tests.reports.hgserver import CommandServer  # noqa: E402

TIMINGS = re.compile(r"(delta-search-time|duration)=\d+\.\d{6}\n")
SIZES = re.compile(r"uncompressed-delta-size=\d+")


def masked(text: str) -> str:
    return TIMINGS.sub(r"\1=(masked)\n", text)


def hg_view(repo: Path, dest: Path) -> Path:
    """A copy of ``repo`` with an empty ``.d`` beside every inline ``.i``."""
    copy = dest / repo.name
    shutil.copytree(repo, copy, symlinks=True)
    for index in (copy / ".hg" / "store").rglob("*.i"):
        if not index.with_suffix(".d").exists():
            index.with_suffix(".d").touch()
    return copy


def chosen_revlogs(repo: Path, filelogs: int) -> list[tuple[str, int]]:
    """The manifest and the ``filelogs`` filelogs with the most revisions: (name, revs)."""
    found = []
    with Store.open(repo) as store:
        for kind, path, rl in store.revlogs():
            if kind == "manifest" and path == "00manifest.i":
                found.append(("-m", len(rl)))
            elif kind == "filelog":
                found.append((path[len("data/"):-len(".i")], len(rl)))
    manifest = [f for f in found if f[0] == "-m"]
    files = sorted((f for f in found if f[0] != "-m"), key=lambda f: -f[1])
    return manifest + files[:filelogs]


def compare(repo: Path, view: Path, server: CommandServer, name: str, revs: range) -> dict:
    selection = Selection(manifest=name == "-m", file=None if name == "-m" else name)
    target = resolve(selection, cwd=str(repo))
    hg_setup = deltafind.setup(target, open_store(None, cwd=str(repo)))
    compact = replace(hg_setup, delta=replace(hg_setup.delta, delta_algorithm="compact"))
    hg_zstd = replace(hg_setup, compress=SimpleNamespace(compress=hg_compressor(
        hg_setup.compress.engine)))
    counts = dict.fromkeys(["revisions", "compact differs", "compact: delta sizes",
                            "hg differs", "hg: delta sizes", "hg: compression only",
                            "hg+hg compressor differs"], 0)
    for rev in revs:
        result = server.run(view, "debug-delta-find", name, str(rev))
        assert result.status == 0, result.err
        expected = masked(result.out.decode())
        counts["revisions"] += 1
        for label, st in (("compact", compact), ("hg", hg_setup),
                          ("hg+hg compressor", hg_zstd)):
            got = masked("".join(deltafind.deltafind_lines(target, st, rev)))
            if got == expected:
                continue
            counts[f"{label} differs"] += 1
            if label not in ("compact", "hg"):
                continue
            if SIZES.findall(got) != SIZES.findall(expected):
                counts[f"{label}: delta sizes"] += 1
            elif label == "hg":
                counts["hg: compression only"] += 1
    return counts


def hg_compressor(engine: str):
    """hg's revlog compressor for ``engine`` as our ``Compressor.compress``: (header, data)."""
    from mercurial import util

    packer = util.compengines[engine.encode()].revlogcompressor()

    def compress(data: bytes) -> tuple[bytes, bytes]:
        packed = packer.compress(data) if data else None
        if packed is not None:
            return b"", packed
        return (b"", data) if not data or data[:1] == b"\0" else (b"u", data)

    return compress


def compression_differences(repo: Path, name: str, revs: range) -> tuple[int, int, int, str]:
    """Every delta against a revision's stored base and its previous revision (hg's
    algorithm), stored as a chunk by our compressor and by hg's engine: (chunks, of
    which different bytes, of which a different size, the engine)."""
    from mercurial import util

    from explorer.engine.format import hgdiff

    selection = Selection(manifest=name == "-m", file=None if name == "-m" else name)
    target = resolve(selection, cwd=str(repo))
    st = deltafind.setup(target, open_store(None, cwd=str(repo)))
    engine = st.compress.engine
    hg_compress = util.compengines[engine.encode()].revlogcompressor().compress
    rl = target.revlog
    total = other_bytes = other_size = 0
    for rev in revs:
        text = rl.revision(rev)
        for base in {rl.delta_parent(rev), rev - 1} - {-1}:
            delta = hgdiff.storage_diff(rl.revision(base), text)
            if not delta:
                continue
            ours = b"".join(st.compress.compress(delta))
            packed = hg_compress(delta)
            theirs = packed if packed is not None else (
                delta if delta[:1] == b"\0" else b"u" + delta)
            total += 1
            other_bytes += ours != theirs
            other_size += len(ours) != len(theirs)
    return total, other_bytes, other_size, engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--filelogs", type=int, default=4)
    parser.add_argument("--every", type=int, default=1, help="every n-th revision only")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/deltafind.py {' '.join(sys.argv[1:])}\n")
    print("| revlog | revisions | differ, compact bdiff (before) | of which delta sizes "
          "| differ, hg's algorithm (now) | of which delta sizes | of which compression only "
          "| differ, hg's algorithm and hg's compressor "
          "| chunks compressed | bytes differ from hg's | size differs from hg's |")
    print("|---" * 11 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        view = hg_view(args.repo, Path(tmp))
        server = CommandServer()
        try:
            for name, count in chosen_revlogs(args.repo, args.filelogs):
                revs = range(0, count, args.every)
                c = compare(args.repo, view, server, name, revs)
                total, other, bigger, engine = compression_differences(args.repo, name, revs)
                label = "manifest" if name == "-m" else name
                print(f"| {label} | {c['revisions']} | {c['compact differs']} "
                      f"| {c['compact: delta sizes']} | {c['hg differs']} | {c['hg: delta sizes']} "
                      f"| {c['hg: compression only']} | {c['hg+hg compressor differs']} "
                      f"| {total} ({engine}) | {other} | {bigger} |",
                      flush=True)
        finally:
            server.close()


if __name__ == "__main__":
    main()
