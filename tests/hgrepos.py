"""Test repositories built with real Mercurial, in many storage formats.

Real Mercurial is the oracle of this project's tests: every repository here is
written by ``hg`` itself (the CLI, or Mercurial's own Python API running in a
separate process), never by our engine, and never by hand -- except the revlog
v0 store, which :mod:`tests.v0` converts from an hg-written store by the format
specification, and which hg then reads back.

Public API::

    SPECS                        name -> Spec (what the repo covers and how to read it)
    names()                      every spec name, in registry order
    build(name, dest_dir)        build the repo into dest_dir/name, return its path
    hg(cwd, *args, config=...)   run the venv's hg in a clean, deterministic environment
    hg_run(...)                  same, returning (returncode, stdout, stderr) without raising
    oracle(repo_path, config)    everything hg knows about every revlog (see tests/hgoracle.py)
    History                      a deterministic commit history, applied in ONE subprocess
                                 through Mercurial's API (context.memctx), fast enough for
                                 thousands of commits

Run ``python tests/hgrepos.py build-all DEST`` to build every repo and print the
time each one took.

This module imports only the standard library at top level: hg itself (7.2.4,
or the old 6.3.3 of tests/oldhg.py) also loads it as an extension providing the
``debug-hgrepos-apply`` command that commits a History.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Fixed base of every commit date (seconds since the epoch, UTC), so nodes are stable.
BASE_DATE = 1_700_000_000
DEFAULT_USER = "test"

#: Header flags (first 4 bytes of an index), from the revlog format.
FLAG_INLINE_DATA = 1 << 16
FLAG_GENERALDELTA = 1 << 17
FLAG_FILELOG_META = 1 << 18
FLAG_DELTA_INFO = 1 << 19
#: Per-revision flags.
REVIDX_ISCENSORED = 1 << 15
REVIDX_EXTSTORED = 1 << 13
REVIDX_HASCOPIESINFO = 1 << 12
REVIDX_HASMETA = 1 << 11
REVIDX_DELTA_IS_SNAPSHOT = 1 << 10


# --------------------------------------------------------------------------
# Running hg
# --------------------------------------------------------------------------


class HgError(RuntimeError):
    """hg exited with a non-zero status."""

    def __init__(self, args, returncode, stdout, stderr):
        self.args_ = list(args)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(
            f"hg {' '.join(map(str, args[1:]))} exited {returncode}\n"
            f"--- stderr ---\n{stderr.decode('utf-8', 'replace')}"
            f"--- stdout ---\n{stdout.decode('utf-8', 'replace')[-4000:]}"
        )


def hg_executable() -> str:
    """The venv's hg (next to the running interpreter), else the one on PATH."""
    candidate = Path(sys.executable).parent / "hg"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("hg")
    if found is None:
        raise RuntimeError("no hg executable: install the 'test' extra (mercurial==7.2.4)")
    return found


def hg_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: no user or system config, plain output, UTC, C locale."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HG", "PYTHON", "LC_")) and k not in ("LANG", "LANGUAGE", "TZ")
    }
    env.update(
        HGRCPATH=os.devnull,  # no user, system or site config
        HGPLAIN="1",
        HGUSER=DEFAULT_USER,
        HGENCODING="utf-8",
        HGENCODINGMODE="strict",
        TZ="UTC",
        LANG="C",
        LC_ALL="C",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",  # hg writes some files (fncache) in set order
    )
    if extra:
        env.update(extra)
    return env


def config_args(config: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> list[str]:
    """``{"format.usestore": "no"}`` -> ``["--config", "format.usestore=no"]``."""
    if not config:
        return []
    items = config.items() if isinstance(config, Mapping) else config
    out: list[str] = []
    for key, value in items:
        out += ["--config", f"{key}={value}"]
    return out


def hg_run(
    cwd: os.PathLike | str,
    *args: str | os.PathLike,
    config: Mapping[str, str] | None = None,
    input: bytes | None = None,
    hg_exe: str | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[int, bytes, bytes]:
    """Run hg in cwd; return (returncode, stdout, stderr)."""
    cmd = [hg_exe or hg_executable(), *config_args(config), *map(os.fspath, args)]
    proc = subprocess.run(
        cmd,
        cwd=os.fspath(cwd),
        input=input,
        capture_output=True,
        env=hg_env(env),
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def hg(
    cwd: os.PathLike | str,
    *args: str | os.PathLike,
    config: Mapping[str, str] | None = None,
    input: bytes | None = None,
    hg_exe: str | None = None,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Run hg in cwd (a repository or the directory to create one in); return stdout.

    Raises HgError (with stderr) on a non-zero exit status.
    """
    rc, out, err = hg_run(cwd, *args, config=config, input=input, hg_exe=hg_exe, env=env)
    if rc != 0:
        raise HgError([hg_exe or "hg", *map(os.fspath, args)], rc, out, err)
    return out


# --------------------------------------------------------------------------
# Deterministic content
# --------------------------------------------------------------------------


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).digest()


def text_lines(name: str, version: int, nlines: int, width: int = 48) -> bytes:
    """A deterministic text file: nlines lines that depend on (name, version)."""
    out = []
    for i in range(nlines):
        word = _digest(name, version, i).hex()[: max(8, width - 20)]
        out.append(f"{name}:{i:04d} {word}\n")
    return "".join(out).encode()


def edit_line(data: bytes, index: int, tag: object) -> bytes:
    """Replace line `index` (mod the line count) with a line naming `tag`."""
    lines = data.splitlines(keepends=True) or [b"\n"]
    i = index % len(lines)
    lines[i] = f"line {i} edited {tag} {_digest(tag, i).hex()[:12]}\n".encode()
    return b"".join(lines)


def pseudo_random_bytes(seed: object, size: int) -> bytes:
    out = bytearray()
    n = 0
    while len(out) < size:
        out += _digest(seed, n)
        n += 1
    return bytes(out[:size])


def binary_blob(seed: object, size: int = 600) -> bytes:
    """Binary, non-UTF-8 content with NUL bytes (and a PNG-like magic)."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00" + pseudo_random_bytes(seed, size)


# --------------------------------------------------------------------------
# Histories applied through Mercurial's API
# --------------------------------------------------------------------------


def _b(path: str | bytes) -> bytes:
    return path if isinstance(path, bytes) else path.encode("utf-8")


@dataclass
class Commit:
    p1: int | None
    p2: int | None
    files: dict[bytes, tuple[bytes, str] | None]  # path -> (data, flags 'x'/'l'/'') or None
    copies: dict[bytes, bytes]
    user: str
    date: int
    message: str
    branch: str
    extra: dict[str, str]


class History:
    """A deterministic commit DAG, tracked in memory and applied with memctx.

    Commit numbers are indexes into ``commits`` (and equal hg revision numbers
    when the history is applied to an empty repository).  Each commit records
    only what it changes relative to its first parent; ``tree(i)`` is the full
    file tree after commit i.
    """

    def __init__(self) -> None:
        self.commits: list[Commit] = []
        self._trees: list[dict[bytes, tuple[bytes, str]]] = []
        self._branches: list[str] = []
        self.nodes: list[str] = []  # hex nodes of applied commits

    def __len__(self) -> int:
        return len(self.commits)

    @property
    def tip(self) -> int | None:
        return len(self.commits) - 1 if self.commits else None

    def tree(self, i: int | None) -> dict[bytes, tuple[bytes, str]]:
        return {} if i is None else self._trees[i]

    def data(self, path: str | bytes, at: int | None = None) -> bytes:
        at = self.tip if at is None else at
        return self.tree(at)[_b(path)][0]

    def branch(self, i: int | None) -> str:
        return "default" if i is None else self._branches[i]

    def _ancestors(self, i: int | None) -> set[int]:
        seen: set[int] = set()
        stack = [i]
        while stack:
            r = stack.pop()
            if r is None or r in seen:
                continue
            seen.add(r)
            stack += [self.commits[r].p1, self.commits[r].p2]
        return seen

    def commit(
        self,
        changes: Mapping[str | bytes, bytes | None] | None = None,
        *,
        parent: int | None | str = "tip",
        p2: int | None = None,
        copies: Mapping[str | bytes, str | bytes] | None = None,
        flags: Mapping[str | bytes, str] | None = None,
        message: str | None = None,
        user: str = DEFAULT_USER,
        date: int | None = None,
        branch: str | None = None,
        close: bool = False,
        extra: Mapping[str, str] | None = None,
        tree: Mapping[bytes, tuple[bytes, str]] | None = None,
    ) -> int:
        """Add a commit; return its number.

        changes: path -> new data, or None to remove the file.
        copies: destination -> source (the source must exist in the first parent,
        or in p2 for a merge); a rename is a copy plus removing the source.
        flags: path -> 'x' (executable) or 'l' (symlink; data is the target).
        tree: for merges, the full resulting tree (computed by merge()).
        """
        p1 = self.tip if parent == "tip" else parent
        base = dict(self.tree(p1))
        fls = {_b(k): v for k, v in (flags or {}).items()}
        if tree is None:
            new = dict(base)
            for path, data in (changes or {}).items():
                path = _b(path)
                if data is None:
                    new.pop(path, None)
                else:
                    fl = fls.get(path)
                    if fl is None:
                        fl = base.get(path, (b"", ""))[1]
                    new[path] = (data, fl)
        else:
            new = dict(tree)
        files: dict[bytes, tuple[bytes, str] | None] = {}
        for path in sorted(set(base) | set(new)):
            if path not in new:
                files[path] = None
            elif base.get(path) != new[path]:
                files[path] = new[path]
        cps = {_b(k): _b(v) for k, v in (copies or {}).items()}
        for dst, src in cps.items():
            if dst not in files:  # a copy with identical content still records the copy
                files[dst] = new[dst]
            assert src in base or (p2 is not None and src in self.tree(p2)), (dst, src)
        n = len(self.commits)
        ex = dict(extra or {})
        if close:
            ex["close"] = "1"
        self.commits.append(
            Commit(
                p1=p1,
                p2=p2,
                files=files,
                copies=cps,
                user=user,
                date=BASE_DATE + 3600 * n if date is None else date,
                message=message or f"commit {n}",
                branch=branch or self.branch(p1),
                extra=ex,
            )
        )
        self._trees.append(new)
        self._branches.append(branch or self.branch(p1))
        return n

    def merge(
        self,
        p1: int,
        p2: int,
        resolve: Mapping[str | bytes, bytes | None] | None = None,
        **kw,
    ) -> int:
        """Merge p2 into p1 (three-way on whole files; conflicts are resolved by
        ``resolve`` or else by concatenating both sides deterministically)."""
        anc_set = self._ancestors(p1) & self._ancestors(p2)
        # the greatest common ancestor is good enough for these small DAGs
        anc = max(anc_set) if anc_set else None
        t1, t2, ta = self.tree(p1), self.tree(p2), self.tree(anc)
        merged: dict[bytes, tuple[bytes, str]] = {}
        for path in sorted(set(t1) | set(t2)):
            a, b_, o = t1.get(path), t2.get(path), ta.get(path)
            if a == b_:
                res = a
            elif a == o:
                res = b_
            elif b_ == o:
                res = a
            elif a is None or b_ is None:
                res = a or b_  # modify/delete: keep the modified side
            else:
                res = (a[0] + b"<<< merged >>>\n" + b_[0], a[1])
            if res is not None:
                merged[path] = res
        for path, data in (resolve or {}).items():
            path = _b(path)
            if data is None:
                merged.pop(path, None)
            else:
                merged[path] = (data, merged.get(path, (b"", ""))[1])
        kw.setdefault("message", f"merge {p2} into {p1}")
        return self.commit(parent=p1, p2=p2, tree=merged, **kw)

    # -- applying ----------------------------------------------------------

    def pending_payload(self) -> dict:
        start = len(self.nodes)
        return {
            "known_nodes": list(self.nodes),
            "commits": [
                {
                    "p1": c.p1,
                    "p2": c.p2,
                    "files": c.files,
                    "copies": c.copies,
                    "user": c.user.encode(),
                    "date": b"%d 0" % c.date,
                    "message": c.message.encode(),
                    "branch": c.branch.encode(),
                    "extra": {k.encode(): v.encode() for k, v in c.extra.items()},
                }
                for c in self.commits[start:]
            ],
        }

    def apply(
        self,
        repo: os.PathLike | str,
        config: Mapping[str, str] | None = None,
        *,
        hg_exe: str | None = None,
        env: Mapping[str, str] | None = None,
        commits_per_transaction: int = 0,
        reuse_filelogs: bool = True,
    ) -> list[str]:
        """Commit every not-yet-applied commit into repo, in ONE hg process.

        The commits are made by Mercurial's API (context.memctx) inside hg
        itself: this module is loaded as an hg extension providing the
        ``debug-hgrepos-apply`` command, so --config, extensions (lfs...) and
        the repository are set up exactly as for any hg command.
        hg_exe: the hg that writes (default: the venv's; tests/oldhg.py gives 6.3.3).
        commits_per_transaction: 0 = a single transaction.
        Returns the hex nodes of the new commits.
        """
        payload = self.pending_payload()
        if not payload["commits"]:
            return []
        payload["commits_per_transaction"] = commits_per_transaction
        payload["reuse_filelogs"] = reuse_filelogs
        with tempfile.TemporaryDirectory(prefix="hgrepos-apply-") as tmp:
            pin, pout = Path(tmp, "payload.pickle"), Path(tmp, "nodes.pickle")
            pin.write_bytes(pickle.dumps(payload, protocol=4))
            hg(
                repo,
                "--config", f"extensions.hgrepos_builder={Path(__file__).resolve()}",
                "debug-hgrepos-apply", str(pin), str(pout),
                config=config, hg_exe=hg_exe, env=env,
            )
            new = pickle.loads(pout.read_bytes())
        self.nodes += new
        return new


def _apply_in_repo(ui, repo, payload_path: bytes, output_path: bytes) -> None:
    """hg side of History.apply: commit with Mercurial's own API.

    Written against the API common to Mercurial 6.3 and 7.2 (memctx/memfilectx,
    repo.commitctx under wlock/lock/transaction).
    """
    from mercurial import context  # noqa: PLC0415
    from mercurial import node as nodemod

    with open(payload_path, "rb") as fh:
        payload = pickle.load(fh)
    repo = repo.unfiltered()
    nodes = [nodemod.bin(n) for n in payload["known_nodes"]]
    new_hex: list[str] = []
    hooks: list = []
    commits = payload["commits"]
    per_tr = payload["commits_per_transaction"] or len(commits) or 1

    def node_of(i):
        return repo.nullid if i is None else nodes[i]

    # Speed: hg makes a new filelog object per file per commit, so with an empty
    # revision cache each commit rebuilds its delta base from the whole chain
    # (quadratic on a 2000-revision chain).  Within one transaction, hand out one
    # filelog object per path instead; caches only change speed, not the bytes
    # written (checked: the long-chain stores are identical either way).
    orig_file = repo.file
    filelogs: dict = {}

    def cached_file(path, *args, **kwargs):
        key = (path, args, tuple(sorted(kwargs.items())))
        if key not in filelogs:
            filelogs[key] = orig_file(path, *args, **kwargs)
        return filelogs[key]

    if payload.get("reuse_filelogs", True):
        repo.file = cached_file

    with repo.wlock(), repo.lock():
        for start in range(0, len(commits), per_tr):
            filelogs.clear()
            with repo.transaction(b"hgrepos-build"):
                for c in commits[start : start + per_tr]:
                    files = c["files"]
                    copies = c["copies"]

                    def filectxfn(repo_, mctx, path, files=files, copies=copies):
                        entry = files[path]
                        if entry is None:
                            return None
                        data, fl = entry
                        return context.memfilectx(
                            repo_,
                            mctx,
                            path,
                            data,
                            islink=(fl == "l"),
                            isexec=(fl == "x"),
                            copysource=copies.get(path),
                        )

                    mctx = context.memctx(
                        repo,
                        (node_of(c["p1"]), node_of(c["p2"])),
                        c["message"],
                        sorted(files),
                        filectxfn,
                        user=c["user"],
                        date=c["date"],
                        extra=dict(c["extra"]),
                        branch=c["branch"],
                    )
                    node = repo.commitctx(mctx)
                    nodes.append(node)
                    new_hex.append(nodemod.hex(node).decode())
                    hooks.append((node, node_of(c["p1"]), node_of(c["p2"])))
    # `hg commit` runs the 'commit' hook after each commit (extensions use it:
    # lfs adds its requirement there); commitctx alone does not.
    for node, p1, p2 in hooks:
        repo.hook(
            b"commit",
            node=nodemod.hex(node),
            parent1=nodemod.hex(p1),
            parent2=nodemod.hex(p2) if p2 != repo.nullid else b"",
        )
    with open(output_path, "wb") as fh:
        fh.write(pickle.dumps(new_hex, protocol=4))


def _hg_cmdtable() -> dict:
    from mercurial import registrar  # noqa: PLC0415

    table: dict = {}
    command = registrar.command(table)

    @command(b"debug-hgrepos-apply", [], b"PAYLOAD OUTPUT")
    def debug_hgrepos_apply(ui, repo, payload, output):
        """commit a pickled History payload with memctx (revlog-explorer tests)"""
        _apply_in_repo(ui, repo, payload, output)

    return table


if "mercurial.registrar" in sys.modules or "mercurial.dispatch" in sys.modules:
    # loaded by hg as an extension (--config extensions.hgrepos_builder=this file)
    cmdtable = _hg_cmdtable()


# --------------------------------------------------------------------------
# The standard history
# --------------------------------------------------------------------------

#: A file whose text starts with b"\x01\n": the filelog escapes it with an empty
#: metadata header (b"\x01\n\x01\n" + text).
ESCAPED_TEXT = b"\x01\nthis text starts with the metadata marker\n\x01\nand has one inside\n"


def standard_history(h: History | None = None, *, deep: bool = False) -> History:
    """About 45 commits: several directories, edits, adds, removes, copies and
    renames, an empty file, a binary file, an executable, a symlink, a file
    starting with b"\\x01\\n", a named branch merged twice (filelogs with two
    parents, a copy coming from the merged side), and a closed branch.

    deep=True adds files nested several directories down (for tree manifests).
    """
    h = History() if h is None else h
    v = {}  # per-file version counter

    def txt(name: str, nlines: int = 30) -> bytes:
        v[name] = v.get(name, 0) + 1
        return text_lines(name, v[name], nlines)

    # 0-4: initial content
    h.commit(
        {
            "README.txt": txt("README.txt", 12),
            "src/main.py": txt("src/main.py", 60),
            "src/util.py": txt("src/util.py", 40),
            "docs/guide.txt": txt("docs/guide.txt", 80),
        },
        message="initial import",
    )
    h.commit(
        {
            "src/lib/core.py": txt("src/lib/core.py", 120),
            "tests/test_main.py": txt("tests/test_main.py", 25),
            "data/empty.txt": b"",
        },
        message="add core library, tests and an empty file",
    )
    h.commit(
        {
            "src/main.py": edit_line(h.data("src/main.py"), 5, "c2"),
            "assets/logo.bin": binary_blob("logo", 700),
        },
        message="binary logo",
    )
    h.commit(
        {"escaped/meta.txt": ESCAPED_TEXT, "bin/run.sh": b"#!/bin/sh\necho run\n"},
        flags={"bin/run.sh": "x"},
        message="file starting with \\x01\\n; executable script",
    )
    h.commit({"link-to-readme": b"README.txt"}, flags={"link-to-readme": "l"}, message="symlink")
    if deep:
        h.commit(
            {
                "src/lib/deep/nested/mod.py": txt("src/lib/deep/nested/mod.py", 20),
                "a/b/c/d/e/f/leaf.txt": txt("a/b/c/d/e/f/leaf.txt", 10),
                "a/b/c/sibling.txt": txt("a/b/c/sibling.txt", 10),
                "a/top.txt": txt("a/top.txt", 5),
            },
            message="deep directories",
        )
    # 5-14: edits, one or two files at a time
    names = ["src/main.py", "src/util.py", "src/lib/core.py", "docs/guide.txt", "README.txt"]
    for k in range(10):
        a = names[k % len(names)]
        b = names[(k * 3 + 1) % len(names)]
        ch = {a: edit_line(h.data(a), k * 7, f"e{k}")}
        if b != a:
            ch[b] = edit_line(h.data(b), k * 11 + 3, f"f{k}")
        if deep and k % 3 == 0:
            leaf = "a/b/c/d/e/f/leaf.txt"
            ch[leaf] = edit_line(h.data(leaf), k, f"leaf{k}")
        h.commit(ch, message=f"edit {a}")
    # copies, renames, removes
    h.commit(
        {"src/helpers.py": h.data("src/util.py")},
        copies={"src/helpers.py": "src/util.py"},
        message="copy util.py to helpers.py",
    )
    h.commit(
        {
            "docs/manual.txt": edit_line(h.data("docs/guide.txt"), 1, "renamed"),
            "docs/guide.txt": None,
        },
        copies={"docs/manual.txt": "docs/guide.txt"},
        message="rename guide to manual, with an edit",
    )
    h.commit(
        {"escaped/moved.txt": h.data("escaped/meta.txt"), "escaped/meta.txt": None},
        copies={"escaped/moved.txt": "escaped/meta.txt"},
        message="rename the \\x01\\n file (copy metadata + escaped text)",
    )
    h.commit({"tests/test_main.py": None}, message="remove tests")
    h.commit(
        {
            "assets/logo.bin": binary_blob("logo-v2", 720),
            "data/empty2.txt": b"",
            "data/truncated.txt": txt("data/truncated.txt", 5),
        },
        message="new logo, another empty file",
    )
    h.commit({"data/truncated.txt": b""}, message="truncate a file to empty")
    fork = h.commit(
        {"src/main.py": edit_line(h.data("src/main.py"), 40, "fork")}, message="fork point"
    )
    # named branch 'stable'
    h.commit(
        {
            "src/main.py": edit_line(h.data("src/main.py"), 2, "stable1"),
            "src/lib/core.py": edit_line(h.data("src/lib/core.py"), 90, "stable1"),
        },
        branch="stable",
        message="start stable",
    )
    h.commit({"src/util.py": edit_line(h.data("src/util.py"), 30, "stable2")}, message="stable fix")
    h.commit(
        {"src/lib/core_copy.py": h.data("src/lib/core.py")},
        copies={"src/lib/core_copy.py": "src/lib/core.py"},
        message="copy on stable",
    )
    stable = h.commit(
        {"assets/logo.bin": binary_blob("logo-stable", 700)}, message="stable logo"
    )
    # default continues
    h.commit(
        {"src/main.py": edit_line(h.data("src/main.py", fork), 50, "default1")},
        parent=fork,
        message="default work",
    )
    h.commit(
        {"src/util.py": edit_line(h.data("src/util.py"), 5, "default2")}, message="more default"
    )
    h.commit({"src/new_module.py": txt("src/new_module.py", 15)}, message="new module")
    m1 = h.merge(h.tip, stable, message="merge stable into default")
    # a feature branch that gets closed
    h.commit(
        {"feature.txt": txt("feature.txt", 10)}, parent=m1, branch="feature", message="feature"
    )
    h.commit({"feature.txt": edit_line(h.data("feature.txt"), 3, "f2")}, message="feature 2")
    h.commit({}, close=True, message="close feature")
    # more on stable, then a second merge
    h.commit(
        {"src/lib/core.py": edit_line(h.data("src/lib/core.py", stable), 10, "stable3")},
        parent=stable,
        message="stable again",
    )
    stable2 = h.commit(
        {"src/main.py": edit_line(h.data("src/main.py"), 7, "stable4")}, message="stable 4"
    )
    h.commit(
        {"src/lib/core.py": edit_line(h.data("src/lib/core.py", m1), 100, "default3")},
        parent=m1,
        message="default after merge",
    )
    h.merge(h.tip, stable2, message="second merge of stable")
    for k in range(5):
        h.commit(
            {"src/main.py": edit_line(h.data("src/main.py"), k * 13, f"tail{k}")},
            message=f"tail {k}",
        )
    return h


# --------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One named test repository.

    init_config: config for ``hg init`` (the format.* options).
    read_config: config every hg command needs to READ it afterwards (also used
        when writing).  Tests pass it to hg and to the oracle.
    requires / forbids: requirements that must / must not be in .hg/requires +
        .hg/store/requires.
    verify_ok: whether `hg verify` exits 0.  verify_expect: substrings that its
        output must contain (documented warnings or errors).
    features: tags naming what the repo is there to cover.
    """

    name: str
    doc: str
    builder: Callable[[Builder], None]
    init_config: Mapping[str, str] = field(default_factory=dict)
    read_config: Mapping[str, str] = field(default_factory=dict)
    requires: frozenset[str] = frozenset()
    forbids: frozenset[str] = frozenset()
    verify_ok: bool = True
    verify_expect: tuple[str, ...] = ()
    features: frozenset[str] = frozenset()
    needs_old_hg: bool = False

    @property
    def config(self) -> dict[str, str]:
        """init_config + read_config: what build steps pass to hg."""
        return {**self.init_config, **self.read_config}


SPECS: dict[str, Spec] = {}


def names() -> list[str]:
    return list(SPECS)


def spec(
    name: str,
    *,
    init: Mapping[str, str] | None = None,
    read: Mapping[str, str] | None = None,
    requires: Iterable[str] = (),
    forbids: Iterable[str] = (),
    verify_ok: bool = True,
    verify_expect: Iterable[str] = (),
    features: Iterable[str] = (),
    needs_old_hg: bool = False,
    doc_extra: str = "",
):
    def register(fn: Callable[[Builder], None]) -> Callable[[Builder], None]:
        assert name not in SPECS, name
        SPECS[name] = Spec(
            name=name,
            doc=" ".join(((fn.__doc__ or "") + doc_extra).split()),
            builder=fn,
            init_config=dict(init or {}),
            read_config=dict(read or {}),
            requires=frozenset(requires),
            forbids=frozenset(forbids),
            verify_ok=verify_ok,
            verify_expect=tuple(verify_expect),
            features=frozenset(features),
            needs_old_hg=needs_old_hg,
        )
        return fn

    return register


class Builder:
    """What a spec's build function gets: the repo path, a History, hg helpers."""

    def __init__(self, spec_: Spec, path: Path, scratch: Path):
        self.spec = spec_
        self.path = path
        self.scratch = scratch  # for files that must not live in the repo
        self.history = History()
        # Stable docket/nodemap uids (hg's own test hook): makes stores
        # byte-identical from run to run, not only their nodes.
        self.env = {"HGTEST_UUIDFILE": str(scratch / "uuid-seed")}

    @property
    def config(self) -> dict[str, str]:
        return self.spec.config

    def init(self, extra: Mapping[str, str] | None = None, hg_exe: str | None = None) -> None:
        # init opens the new repo, so it needs the read config (slow-path
        # permissions) as well as the format options
        cfg = {**self.spec.config, **(extra or {})}
        hg(self.path.parent, "init", self.path.name, config=cfg, hg_exe=hg_exe, env=self.env)

    def hg(self, *args: str, config: Mapping[str, str] | None = None, input: bytes | None = None,
           hg_exe: str | None = None) -> bytes:
        return hg(self.path, *args, config={**self.config, **(config or {})}, input=input,
                  hg_exe=hg_exe, env=self.env)

    def apply(self, hg_exe: str | None = None, **kw) -> list[str]:
        return self.history.apply(self.path, self.config, hg_exe=hg_exe, env=self.env, **kw)

    def standard(self, **kw) -> History:
        standard_history(self.history, **kw)
        self.apply()
        return self.history


def build(name: str, dest_dir: os.PathLike | str) -> Path:
    """Build spec `name` into dest_dir/name (which must not exist); return the path.

    Raises OldHgUnavailable (from tests.oldhg) for the spec that needs hg 6.3.3
    when that cannot be installed.
    """
    sp = SPECS[name]
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / name
    if path.exists():
        raise FileExistsError(path)
    scratch = dest_dir / f".{name}.scratch"
    scratch.mkdir(exist_ok=True)
    b = Builder(sp, path, scratch)
    try:
        sp.builder(b)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return path


# ---- compression ---------------------------------------------------------


@spec(
    "zstd",
    requires={"revlogv1", "store", "fncache", "dotencode", "generaldelta", "sparserevlog",
              "revlog-compression-zstd", "share-safe"},
    forbids={"persistent-nodemap", "treemanifest"},
    features={"zstd", "default-format", "merge", "copies", "escaped-meta", "empty", "binary",
              "symlink", "exec", "branches"},
)
def _zstd(b: Builder) -> None:
    """hg 7.2.4's default format: revlogv1, zstd chunks, generaldelta, sparse-revlog,
    fncache+dotencode store, share-safe. Carries the standard history: merges whose
    filelogs get two parents, copies and renames (one of a file whose text starts
    with \\x01\\n, which gets the escaping metadata header), empty files, a binary file
    (NUL bytes, non-UTF-8), an executable, a symlink, named and closed branches."""
    b.init()
    b.standard()


@spec(
    "zlib",
    init={"format.revlog-compression": "zlib"},
    requires={"revlogv1", "generaldelta", "sparserevlog"},
    forbids={"revlog-compression-zstd"},
    features={"zlib"},
)
def _zlib(b: Builder) -> None:
    """zlib compression (format.revlog-compression=zlib: no requirement is written,
    zlib is the historical default), generaldelta + sparse-revlog, standard history."""
    b.init()
    b.standard()


@spec(
    "none",
    init={"format.revlog-compression": "none"},
    requires={"exp-compression-none"},
    forbids={"revlog-compression-zstd"},
    features={"no-compression"},
)
def _none(b: Builder) -> None:
    """No compression: format.revlog-compression=none selects hg's 'none' engine and
    writes the requirement exp-compression-none. Every chunk is stored raw: with a
    'u' header byte, or as-is when it starts with \\0 (most deltas, whose first byte
    is the high byte of a hunk offset, and the binary file). Standard history."""
    b.init()
    b.standard()


# ---- delta strategies ------------------------------------------------------


@spec(
    "no-generaldelta",
    init={
        "format.usegeneraldelta": "no",
        "format.generaldelta": "no",
        "format.sparse-revlog": "no",
        "format.revlog-compression": "zlib",
    },
    requires={"revlogv1"},
    forbids={"generaldelta", "sparserevlog", "revlog-compression-zstd"},
    features={"no-generaldelta", "zlib"},
)
def _no_generaldelta(b: Builder) -> None:
    """Pre-generaldelta revlogs (format.usegeneraldelta=no + format.generaldelta=no,
    sparse-revlog off): the base field is the chain base and every delta is against
    rev-1. zlib compression. Standard history. Also the source of the v0 store."""
    b.init()
    b.standard()


@spec(
    "gd-no-sparse",
    init={"format.sparse-revlog": "no"},
    requires={"generaldelta"},
    forbids={"sparserevlog"},
    features={"generaldelta-no-sparse"},
)
def _gd_no_sparse(b: Builder) -> None:
    """generaldelta on, sparse-revlog off (format.sparse-revlog=no): deltas against a
    parent or the previous rev, chains without snapshots, span-limited. Standard history."""
    b.init()
    b.standard()


def _long_chain(b: Builder, nrevs: int = 2000) -> None:
    """One file edited nrevs times, one short line at a time, in a window of 300
    lines near the top of a 1200-line file, so cumulative changes stay small
    (intermediate snapshots can be small deltas against the first snapshot)."""
    h = b.history
    base = text_lines("chain.txt", 0, 1200, width=32)
    h.commit({"chain.txt": base, "other.txt": b"a small file\n"}, message="chain start")
    data = base
    for k in range(1, nrevs):
        data = edit_line(data, (k * 7) % 300, k)
        ch = {"chain.txt": data}
        if k % 250 == 0:
            ch["other.txt"] = b"a small file\n" + b"edit %d\n" % k
        h.commit(ch, message=f"chain edit {k}")
    b.apply()


@spec(
    "long-chain-sparse",
    features={"long-chain", "intermediate-snapshot", "inline", "split"},
)
def _long_chain_sparse(b: Builder) -> None:
    """A 2000-revision history of one 34 KB file (chain.txt), a one-line edit per
    revision. Default format (zstd, sparse-revlog): delta chains reach the
    sparse-revlog maximum chain length (1000) and intermediate snapshots appear.
    The filelog stays inline (2000 entries but under 128 KiB of data: a 233 KB
    .i alone); the manifest and the changelog are split."""
    b.init()
    _long_chain(b)


@spec(
    "long-chain-gd",
    init={"format.sparse-revlog": "no"},
    requires={"generaldelta"},
    forbids={"sparserevlog"},
    features={"long-chain", "generaldelta-no-sparse", "inline", "split"},
)
def _long_chain_gd(b: Builder) -> None:
    """The same 2000-revision one-file history with generaldelta but no sparse-revlog:
    no chain-length cap, so chains grow past 1000 deltas until the chain's total size
    exceeds twice the text size and a new full snapshot starts."""
    b.init()
    _long_chain(b)


# ---- inline / split ----------------------------------------------------------


@spec("split-inline", features={"split", "inline"})
def _split_inline(b: Builder) -> None:
    """Standard history plus big.txt, grown by 40 commits appending 8 KB of hex
    text each, so its filelog crossed 128 KiB and was split into data/big.txt.i +
    data/big.txt.d, next to small.txt (inline, a data/small.txt.i alone) edited
    in the same commits."""
    b.init()
    h = standard_history(b.history)
    big = b""
    small = text_lines("small.txt", 0, 10)
    for k in range(40):
        big += b"".join(
            f"{k:03d}-{j:03d} {pseudo_random_bytes(('big', k, j), 24).hex()}\n".encode()
            for j in range(140)
        )
        small = edit_line(small, k, k)
        h.commit({"big.txt": big, "small.txt": small}, message=f"grow big.txt {k}")
    b.apply(commits_per_transaction=1)


# ---- store features -------------------------------------------------------------


@spec(
    "persistent-nodemap",
    init={"format.use-persistent-nodemap": "yes"},
    read={"storage.revlog.persistent-nodemap.slow-path": "allow"},
    requires={"persistent-nodemap"},
    features={"persistent-nodemap"},
)
def _persistent_nodemap(b: Builder) -> None:
    """format.use-persistent-nodemap=yes: the 00changelog.n docket and its
    00changelog-<uid>.nd trie (hg keeps no nodemap for inline revlogs, so the
    inline manifest has none). Without the Rust extensions hg aborts on such
    repos unless storage.revlog.persistent-nodemap.slow-path=allow (C extensions
    alone do not count as a fast implementation). Standard history."""
    b.init()
    b.standard()


@spec(
    "revlogv2",
    init={"experimental.revlogv2": "enable-unstable-format-and-corrupt-my-data"},
    read={"storage.all-slow-path": "allow"},
    requires={"exp-revlogv2.2", "fileindex-v1"},
    forbids={"revlogv1", "fncache", "dotencode"},
    features={"revlogv2", "docket", "fileindex"},
)
def _revlogv2(b: Builder) -> None:
    """experimental.revlogv2=enable-unstable-format-and-corrupt-my-data: requirement
    exp-revlogv2.2; every .i is a docket naming <radix>-<uid>.idx/.dat/.sda files;
    96-byte entries with per-rev compression modes. In 7.2.4 it also implies
    fileindex-v1 (replacing fncache+dotencode), whose slow path needs
    storage.all-slow-path=allow (storage.fileindex.slow-path would do too).
    Standard history."""
    b.init()
    b.standard()


@spec(
    "changelogv2",
    init={"format.exp-use-changelog-v2": "enable-unstable-format-and-corrupt-my-data"},
    requires={"exp-changelog-v2", "revlogv1"},
    verify_expect=("uses revlog format 1; expected 54093",),
    features={"changelogv2", "docket", "rank"},
)
def _changelogv2(b: Builder) -> None:
    """format.exp-use-changelog-v2=enable-unstable-format-and-corrupt-my-data:
    requirement exp-changelog-v2; the changelog is a docket + 96-byte entries
    with rank, without base/linkrev; manifest and filelogs stay v1. hg verify
    exits 0 but warns for every filelog "uses revlog format 1; expected 54093"
    (it compares filelog versions with the changelog's). Standard history."""
    b.init()
    b.standard()


@spec(
    "copies-sidedata",
    init={"format.exp-use-copies-side-data-changeset": "yes"},
    requires={"exp-changelog-v2", "exp-copies-sidedata-changeset"},
    verify_expect=("uses revlog format 1; expected 54093",),
    features={"changelogv2", "sidedata", "copies"},
)
def _copies_sidedata(b: Builder) -> None:
    """format.exp-use-copies-side-data-changeset=yes: changelog-v2 whose revisions
    carry copy-tracing sidedata (REVIDX_HASCOPIESINFO flag, sidedata chunks).
    Same verify warning as changelogv2. Standard history."""
    b.init()
    b.standard()


@spec(
    "delta-info",
    init={"format.use-delta-info-flags": "yes"},
    requires={"delta-info-revlog", "sparserevlog", "generaldelta"},
    features={"delta-info", "filelog-meta", "escaped-meta", "copies", "intermediate-snapshot"},
)
def _delta_info(b: Builder) -> None:
    """format.use-delta-info-flags=yes (requirement delta-info-revlog): filelog headers
    carry FLAG_FILELOG_META and FLAG_DELTA_INFO, manifests FLAG_DELTA_INFO; revisions
    carry REVIDX_HASMETA (copies, the \\x01\\n file), REVIDX_DELTA_IS_SNAPSHOT and the
    delta quality flags (0x0040-0x0200). Standard history plus a 600-revision
    one-file chain; the manifest gets intermediate snapshots (flagged)."""
    b.init()
    b.standard()
    _long_chain(b, nrevs=600)


@spec(
    "fileindex",
    init={"format.use-fileindex-v1": "yes"},
    read={"storage.fileindex.slow-path": "allow"},
    requires={"fileindex-v1", "revlogv1"},
    forbids={"fncache", "dotencode"},
    features={"fileindex"},
)
def _fileindex(b: Builder) -> None:
    """format.use-fileindex-v1=yes: the store lists its files in fileindex,
    fileindex-list.<uid>, fileindex-meta.<uid>, fileindex-tree.<uid> instead of
    fncache (requirement fileindex-v1; no fncache/dotencode). Without Rust hg
    needs storage.fileindex.slow-path=allow. Standard history."""
    b.init()
    b.standard()


@spec(
    "treemanifest",
    init={"experimental.treemanifest": "yes"},
    requires={"treemanifest"},
    features={"treemanifest"},
)
def _treemanifest(b: Builder) -> None:
    """Tree manifests: experimental.treemanifest=yes (7.2.4 has no format.treemanifest;
    that name is silently ignored). The root manifest in 00manifest.i, one revlog
    per directory in meta/<dir>/00manifest.i, down to a/b/c/d/e/f/. Standard
    history with deep directories."""
    b.init()
    b.standard(deep=True)


@spec(
    "censored",
    init={"extensions.censor": ""},
    read={"extensions.censor": ""},
    verify_ok=False,
    verify_expect=("censored file data",),
    features={"censored"},
)
def _censored(b: Builder) -> None:
    """A censored file revision (hg censor, extension censor): the revision's data
    is replaced by a tombstone stored as full text with REVIDX_ISCENSORED; its
    hash no longer matches. hg verify reports "censored file data" and exits 1
    under the default censor.policy=abort (0 with censor.policy=ignore).
    Standard history plus secret.txt with three revisions, the middle one censored."""
    b.init()
    h = standard_history(b.history)
    h.commit({"secret.txt": b"public text\n" * 20}, message="secret v1")
    h.commit({"secret.txt": b"public text\n" * 20 + b"password=hunter2\n"}, message="secret v2")
    h.commit({"secret.txt": b"public text\n" * 20 + b"password removed\n"}, message="secret v3")
    b.apply()
    b.hg("censor", "-r", str(len(h) - 2), "-t", "removed by test", "secret.txt")


@spec(
    "lfs",
    init={"extensions.lfs": "", "lfs.threshold": "1000", "lfs.url": "null://",
          "experimental.lfs.disableusercache": "true"},
    read={"extensions.lfs": "", "lfs.url": "null://",
          "experimental.lfs.disableusercache": "true"},
    requires={"lfs"},
    features={"lfs", "extstored"},
)
def _lfs(b: Builder) -> None:
    """lfs extension with lfs.threshold=1000: files of 1000 bytes or more are stored
    as lfs pointers with REVIDX_EXTSTORED (blobs in .hg/store/lfs/objects; lfs.url=null://
    and the user cache disabled keep it offline and self-contained). Standard
    history (big enough files become lfs) plus a file that crosses the threshold."""
    b.init()
    h = standard_history(b.history)
    h.commit({"grow.txt": b"small\n"}, message="small file")
    h.commit({"grow.txt": text_lines("grow", 1, 40)}, message="file becomes lfs")
    h.commit({"grow.txt": text_lines("grow", 2, 41)}, message="lfs edit")
    h.commit({"grow.txt": b"small again\n"}, message="file leaves lfs")
    b.apply()


# ---- store layouts and path encoding ------------------------------------------

#: File names that exercise the store path encodings.
WEIRD_NAMES: list[bytes] = [
    b"UPPER/Case.TXT",
    b"MiXeD/ABC_def/_private_.py",
    b"under_score/__init__.py",
    b"aux",
    b"aux.txt",
    b"AUX.c",
    b"con",
    b"con.tar.gz",
    b"prn.txt",
    b"nul",
    b"nul.xyz",
    b"com1",
    b"com1.c",
    b"com9",
    b"lpt1.txt",
    b"lpt9",
    b"auxiliary.txt",  # not reserved: only 'aux' exactly or 'aux.'
    b"res/aux/inside.txt",
    b"res/con.d/x.txt",
    b"trailing.",
    b"trailing ",
    b"dir./file",
    b"dir /file",
    b".hidden",
    b".dotdir/.dotfile",
    b" leading space",
    b"tilde~name",
    b"colon:star*qm?quote\"lt<gt>pipe|.txt",
    b"back\\slash",
    b"h\xc3\xa9llo-w\xc3\xb6rld.txt",  # UTF-8
    b"latin1-\xe9t\xe9.txt",  # not valid UTF-8
    b"high-\xff\xfe\x80.bin",
    b"ctl-\x01\x02\x1f\x7f.txt",
    b"x.i/y.txt",  # encodedir: .i/ -> .i.hg/
    b"x.d/z.txt",
    b"x.hg/w.txt",
    b"data/nested.i",  # a tracked file named like a revlog index
    b"meta/00manifest.i",
]


def _long_names() -> list[bytes]:
    """Names around and past the 120-character limit of encoded store paths
    (hashed 'dh/' names), including directory parts that the hashed form
    shortens (reserved names, trailing dots/spaces, upper case)."""
    out = []
    # encoded "data/" + name + ".i" is 7 + len(name) for plain lower-case names
    for n in (112, 113, 114, 200):
        out.append(b"long/" + b"n" * (n - 5))
    out.append(b"Deeply/Nested_Dirs/AUX/con./trailing /" + b"Q" * 80 + b".Txt")
    out.append(b"/".join([b"d" * 40] * 5) + b"/file.txt")
    out.append(b"short/" + b"x" * 120 + b".longext")
    out.append(b"dots.../" + b"y" * 110)
    return out


def _names_history(b: Builder, names: list[bytes]) -> None:
    h = standard_history(b.history)
    h.commit({n: b"content of " + n + b"\n" for n in names}, message="weird names")
    h.commit({n: b"content of " + n + b"\nedited\n" for n in names[::3]}, message="edit some")
    b.apply()


_NAMES_DOC = (
    " Files: upper case, '_', Windows reserved names (aux con prn nul com1 com9 lpt1 "
    "lpt9, bare and with extensions, as directories), trailing dot/space, leading "
    "dot/space, ~ : * ? \" < > | \\, UTF-8, non-UTF-8 and control bytes, .i/ .d/ .hg/ "
    "directories, and names whose encoded form is near or past 120 characters."
)


@spec(
    "store-names",
    doc_extra=_NAMES_DOC,
    requires={"store", "fncache", "dotencode"},
    features={"path-encoding", "dotencode", "hashed-paths"},
)
def _store_names(b: Builder) -> None:
    """fncache + dotencode store (the default) holding names that need encoding; long
    ones go to hashed dh/ paths."""
    b.init()
    _names_history(b, WEIRD_NAMES + _long_names())


@spec(
    "store-no-dotencode",
    doc_extra=_NAMES_DOC,
    init={"format.dotencode": "no"},
    requires={"store", "fncache"},
    forbids={"dotencode"},
    features={"path-encoding", "hashed-paths"},
)
def _store_no_dotencode(b: Builder) -> None:
    """fncache without dotencode (format.dotencode=no): the hybrid encoding without
    escaping leading dots/spaces; same weird names."""
    b.init()
    _names_history(b, WEIRD_NAMES + _long_names())


def _short_weird_names() -> list[bytes]:
    # Without fncache, names are encoded but never hashed: keep each encoded path
    # component under the file system's 255-byte limit.
    return WEIRD_NAMES + [b"long/" + b"n" * 150, b"/".join([b"d" * 40] * 5) + b"/file.txt"]


@spec(
    "store-no-fncache",
    doc_extra=_NAMES_DOC,
    init={"format.usefncache": "no"},
    requires={"store"},
    forbids={"fncache", "dotencode"},
    features={"path-encoding", "no-fncache"},
)
def _store_no_fncache(b: Builder) -> None:
    """store without fncache (format.usefncache=no): file names get the basic
    encoding (upper case and '_' escaped, bytes outside printable ASCII as ~xx)
    with no reserved-name escaping and no hashing."""
    b.init()
    _names_history(b, _short_weird_names())


@spec(
    "no-store",
    doc_extra=_NAMES_DOC,
    init={"format.usestore": "no"},
    requires={"revlogv1"},
    forbids={"store", "fncache", "dotencode", "share-safe"},
    features={"no-store"},
)
def _no_store(b: Builder) -> None:
    """No store (format.usestore=no): revlogs live in .hg/ (.hg/00changelog.i,
    .hg/data/...) with file names unencoded except the .i/ .d/ .hg/ directory
    escaping; share-safe is dropped, requirements only in .hg/requires."""
    b.init()
    _names_history(b, _short_weird_names())


# ---- old formats ------------------------------------------------------------------


@spec(
    "inline-changelog",
    requires={"revlogv1", "generaldelta", "sparserevlog", "store"},
    features={"inline-changelog", "old-hg"},
    needs_old_hg=True,
)
def _inline_changelog(b: Builder) -> None:
    """Written by Mercurial 6.3.3 (tests/oldhg.py), whose changelog starts inline (hg
    7 never writes one): 00changelog.i with FLAG_INLINE_DATA and no .d. Standard
    history committed through 6.3.3's API; hg 7.2.4 reads it (read-only use
    keeps it inline: the first hg 7 write would split it)."""
    from tests import oldhg  # noqa: PLC0415

    hg_exe = oldhg.hg_executable()
    b.init(hg_exe=hg_exe)
    standard_history(b.history)
    b.apply(hg_exe=hg_exe)


@spec(
    "v0",
    forbids={"revlogv1", "generaldelta", "sparserevlog"},
    requires={"store", "fncache"},
    verify_expect=("uses revlog format 0",),
    features={"v0", "split"},
)
def _v0(b: Builder) -> None:
    """Revlog v0 (76-byte entries, no header, no inline data, always .i + .d),
    converted by tests/v0.py from the no-generaldelta zlib store by the format
    spec; requirements without revlogv1. hg 7.2.4 reads it (verify warns that the
    revlogs use format 0 but exits 0)."""
    from tests import v0  # noqa: PLC0415

    src = build("no-generaldelta", b.scratch)
    v0.convert_repo(src, b.path)


# --------------------------------------------------------------------------
# Oracle
# --------------------------------------------------------------------------

_ORACLE_CACHE: dict[tuple[str, tuple[tuple[str, str], ...]], dict] = {}


def oracle(repo_path: os.PathLike | str, config: Mapping[str, str] | None = None,
           *, cache: bool = True) -> dict:
    """What Mercurial knows about every revlog of repo_path (see tests/hgoracle.py
    for the schema). Runs hg with hgoracle.py as an extension; cached per (path, config)."""
    key = (str(Path(repo_path).resolve()), tuple(sorted((config or {}).items())))
    if cache and key in _ORACLE_CACHE:
        return _ORACLE_CACHE[key]
    with tempfile.TemporaryDirectory(prefix="hgoracle-") as tmp:
        out = Path(tmp, "oracle.pickle")
        hg(
            key[0],
            "--config", f"extensions.hgoracle={HERE / 'hgoracle.py'}",
            "debug-revlog-oracle", str(out),
            config=config,
        )
        result = pickle.loads(out.read_bytes())
    result["config"] = dict(config or {})
    if cache:
        _ORACLE_CACHE[key] = result
    return result


def forget_oracle(repo_path: os.PathLike | str | None = None) -> None:
    """Drop cached oracle results (all, or those of one repo)."""
    if repo_path is None:
        _ORACLE_CACHE.clear()
        return
    p = str(Path(repo_path).resolve())
    for k in [k for k in _ORACLE_CACHE if k[0] == p]:
        del _ORACLE_CACHE[k]


# --------------------------------------------------------------------------
# Script entry points
# --------------------------------------------------------------------------


def _main(argv: list[str]) -> int:
    if argv[:1] in (["build"], ["build-all"]):
        sys.path.insert(0, str(HERE.parent))
        if argv[0] == "build":
            wanted, dest = argv[1:-1], Path(argv[-1])
        else:
            wanted, dest = names(), Path(argv[1])
        total = time.perf_counter()
        for name in wanted:
            t = time.perf_counter()
            try:
                p = build(name, dest)
            except Exception as exc:  # report and continue
                print(f"{name:22s} FAILED {type(exc).__name__}: {exc}", flush=True)
                continue
            print(f"{name:22s} {time.perf_counter() - t:6.2f}s  {p}", flush=True)
        print(f"{'total':22s} {time.perf_counter() - total:6.2f}s")
        return 0
    print("usage: hgrepos.py build NAME... DEST | build-all DEST", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
