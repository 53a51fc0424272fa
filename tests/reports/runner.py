"""Running our CLI in-process and comparing it with hg, for the report tests.

``ours(cwd, *args)`` runs ``revlog-explorer ARGS`` from ``cwd`` and returns
what it printed; ``Comparison`` runs many hg/ours pairs and collects every
difference, so one test reports all mismatches of a repository at once.
``revlog_targets`` lists, from hg itself, the revlogs a repository holds
in the argument forms the reports accept.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from explorer import cli
from explorer.engine import Store
from tests.reports.hgserver import CommandServer, Result

HG_COMMAND = {
    "index": "debugindex",
    "revlogindex": "debugrevlogindex",
    "deltachain": "debugdeltachain",
    "stats": "debugrevlog",
    "data": "debugdata",
    "debugancestor": "debugancestor",
    "debugindexdot": "debugindexdot",
    "debugnodemap": "debugnodemap",
    "debugsidedata": "debugsidedata",
    "debug-revlog-stats": "debug-revlog-stats",
}


@contextlib.contextmanager
def _working_directory(path: os.PathLike | str):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def ours(cwd: os.PathLike | str, *args: str) -> Result:
    """Run ``revlog-explorer ARGS`` in-process from ``cwd``."""
    out = io.BytesIO()
    text_out = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    err = io.StringIO()
    with _working_directory(cwd), contextlib.redirect_stdout(text_out), \
            contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return Result(status, out.getvalue(), err.getvalue().encode())


def describe_difference(expected: bytes, got: bytes, limit: int = 12) -> str:
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        got.decode("utf-8", "replace").splitlines(),
        "hg", "ours", lineterm="", n=1,
    )
    return "\n".join(list(lines)[:limit])


class Comparison:
    """Runs hg and our CLI on the same arguments and collects the differences."""

    def __init__(self, server: CommandServer, config: Mapping[str, str] | None = None) -> None:
        self.server = server
        self.config = dict(config or {})
        self.failures: list[str] = []
        self.count = 0

    def same(self, cwd: os.PathLike | str, command: str, *args: str,
             hg_args: Sequence[str] | None = None) -> Result:
        """Compare ``hg <debug command> ARGS`` with ``revlog-explorer COMMAND ARGS``.

        stdout must be identical; both succeed or both fail. ``hg_args``
        replaces ARGS on the hg side (for forms hg does not accept).
        """
        self.count += 1
        hg = self.server.run(cwd, HG_COMMAND[command],
                             *(args if hg_args is None else hg_args), config=self.config)
        got = ours(cwd, command, *args)
        where = f"{command} {' '.join(args)} (in {cwd})"
        if hg.out != got.out:
            self.failures.append(f"{where}: stdout differs\n"
                                 f"{describe_difference(hg.out, got.out)}")
        elif (hg.status == 0) != (got.status == 0):
            self.failures.append(f"{where}: hg exited {hg.status} ({hg.err!r}), "
                                 f"we exited {got.status} ({got.err!r})")
        elif got.status != 0 and b"Traceback" in got.err:
            self.failures.append(f"{where}: traceback\n{got.err.decode()}")
        return got

    def both_fail(self, cwd: os.PathLike | str, command: str, *args: str) -> Result:
        """hg and we both refuse ``ARGS``; we say why in one line (hg may print its
        usage text, which we do not copy)."""
        self.count += 1
        hg = self.server.run(cwd, HG_COMMAND[command], *args, config=self.config)
        got = ours(cwd, command, *args)
        where = f"{command} {' '.join(args)} (in {cwd})"
        if hg.status == 0:
            self.failures.append(f"{where}: hg succeeded")
        if got.status != 255 or got.out or got.err.count(b"\n") != 1:
            self.failures.append(f"{where}: we exited {got.status}, printed {got.out[:200]!r},"
                                 f" error {got.err!r}")
        return got

    def check(self) -> None:
        assert self.count, "nothing was compared"
        assert not self.failures, (f"{len(self.failures)} of {self.count} differ:\n\n"
                                   + "\n\n".join(self.failures[:8]))


def revlog_targets(server: CommandServer, repo: Path, config: Mapping[str, str],
                   max_files: int = 3) -> list[list[str]]:
    """Argument forms naming revlogs of ``repo``: -c, -m, --dir DIR and tracked files.

    hg's ``debug-revlog-stats`` lists them; of the filelogs we keep the one
    with most revisions, the first and the last by path.
    """
    listing = server.run(repo, "debug-revlog-stats", config=config)
    assert listing.status == 0, listing.err
    targets = [["-c"], ["-m"]]
    files = []
    for line in listing.out.decode("utf-8", "surrogateescape").splitlines()[1:]:
        # "%9d%12d %-3s %-9s %s": count, data size, inline, type, target
        count, kind, name = int(line[:9]), line[26:35].strip(), line[36:]
        if kind == "manifest" and name:
            targets.append(["--dir", name])
        elif kind == "file":
            files.append((count, name))
    if files:
        chosen = [max(files)[1], files[0][1], files[-1][1]]
        targets += [[f] for f in dict.fromkeys(chosen)][:max_files]
    return targets


def index_paths(repo: Path, targets: list[list[str]]) -> dict[str, str]:
    """For each file target and the manifest, its ``.i`` path relative to ``repo``."""
    store = Store.open(repo)
    paths = {"-m": "00manifest.i", "-c": "00changelog.i"}
    paths.update({t[0]: f"data/{t[0]}.i" for t in targets if not t[0].startswith("-")})
    return {key: os.path.relpath(store.fs_path(p), repo) for key, p in paths.items()}


def compare_all(cmp: Comparison, repo: Path, command: str,
                option_sets: Sequence[Sequence[str]], targets: Sequence[Sequence[str]]) -> None:
    """Compare ``command`` with every option set on every target, from ``repo``."""
    for target in targets:
        for options in option_sets:
            cmp.same(repo, command, *options, *target)
