"""Shared fixtures: test repositories built by real Mercurial, and hg as the oracle.

Fixtures (see tests/hgrepos.py for the specs)::

    hgrepos              session: RepoFactory -- hgrepos(name) builds repo `name` once
                         per session (lazily) and returns its path; also .spec(name),
                         .config(name), .oracle(name), .hg(name, *args), .copy(name, dest)
    hgrepo_name          parametrized over every spec name (or over the names chosen by
                         @pytest.mark.hgrepos(...), see below)
    hgrepo               Path of the repo hgrepo_name (built on first use)
    hgspec               its Spec
    hgconfig             its read config (dict) -- pass it to hg / the oracle
    hgoracle             hg's view of every revlog in it (dict, see tests/hgoracle.py)
    hgrepo_copy          a private, writable copy of it (function scope, in tmp_path)
    repo                 session: Path of the "zstd" repo (merges, copies, a binary file,
                         branches), the one the explorer's tests look at
    repo_copy            a private, writable copy of it (function scope, in tmp_path)
    read_only            read_only(path): the file system of path is read-only, as
                         os.statvfs tells it (root writes whatever the permissions)

Choosing repos::

    def test_x(hgrepo, hgoracle): ...                       # every spec
    @pytest.mark.hgrepos("zlib", "zstd")                    # only these
    @pytest.mark.hgrepos(features={"long-chain"})           # specs with any of these tags
    @pytest.mark.hgrepos(exclude={"v0"})                    # every spec but these

The repos built by the session fixture are shared: never write to them (use
hgrepo_copy or hgrepos.copy()).  Set REVLOG_EXPLORER_REPO_CACHE=DIR to keep built
repos between sessions (keyed by a hash of the builder sources and hg version).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
from pathlib import Path

import pytest

from tests import hgrepos as _hgrepos

# The engine reads hg's configuration files as hg does (store/config.py); the tests'
# hg runs without the user's and the system's, and so does the engine in this process.
os.environ["HGRCPATH"] = os.devnull
os.environ.pop("HGRCSKIPREPO", None)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "hgrepos(*names, features=None, exclude=None): restrict the hgrepo_name "
        "parametrization to these spec names / feature tags",
    )


def _selected_names(marker) -> list[str]:
    all_names = _hgrepos.names()
    if marker is None:
        return all_names
    names = list(marker.args) or list(all_names)
    unknown = [n for n in names if n not in _hgrepos.SPECS]
    if unknown:
        raise pytest.UsageError(f"unknown hg repo spec(s): {unknown}")
    features = marker.kwargs.get("features")
    if features:
        features = {features} if isinstance(features, str) else set(features)
        names = [n for n in names if _hgrepos.SPECS[n].features & features]
    exclude = marker.kwargs.get("exclude") or ()
    exclude = {exclude} if isinstance(exclude, str) else set(exclude)
    return [n for n in names if n not in exclude]


def pytest_generate_tests(metafunc):
    if "hgrepo_name" in metafunc.fixturenames:
        already = any(
            "hgrepo_name" in getattr(m, "args", ("",))[0]
            for m in metafunc.definition.iter_markers("parametrize")
        )
        if not already:
            names = _selected_names(metafunc.definition.get_closest_marker("hgrepos"))
            metafunc.parametrize("hgrepo_name", names, ids=names)


def _source_fingerprint() -> str:
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("hgrepos.py", "hgoracle.py", "v0.py", "oldhg.py"):
        h.update((here / name).read_bytes())
    h.update(_hgrepos.hg(".", "version", "-q"))
    return h.hexdigest()[:16]


class RepoFactory:
    """Builds named repos on demand, once; caches hg's oracle for each."""

    def __init__(self, root: Path, persistent: bool):
        self.root = root
        self.persistent = persistent
        self._paths: dict[str, Path] = {}
        self._failures: dict[str, BaseException] = {}
        self._oracles: dict[str, dict] = {}

    names = staticmethod(_hgrepos.names)

    def spec(self, name: str) -> _hgrepos.Spec:
        return _hgrepos.SPECS[name]

    def config(self, name: str) -> dict[str, str]:
        """What hg needs to read repo `name` (pass to hg and to the oracle)."""
        return dict(_hgrepos.SPECS[name].read_config)

    def __call__(self, name: str) -> Path:
        """Path of repo `name`, built on first use.  Skips the test when the repo
        needs Mercurial 6.3.3 and that cannot be installed."""
        if name in self._paths:
            return self._paths[name]
        if name in self._failures:
            exc = self._failures[name]
            if _is_old_hg_unavailable(exc):
                pytest.skip(f"{name}: Mercurial 6.3.3 unavailable: {exc}")
            raise RuntimeError(f"building hg repo {name!r} failed earlier") from exc
        try:
            path = self._build(name)
        except BaseException as exc:
            self._failures[name] = exc
            if _is_old_hg_unavailable(exc):
                pytest.skip(f"{name}: Mercurial 6.3.3 unavailable: {exc}")
            raise
        self._paths[name] = path
        return path

    path = __call__

    def _build(self, name: str) -> Path:
        if not self.persistent:
            return _hgrepos.build(name, self.root)
        done = self.root / f".{name}.complete"
        with open(self.root / f".{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if done.exists() and (self.root / name).exists():
                return self.root / name
            shutil.rmtree(self.root / name, ignore_errors=True)
            shutil.rmtree(self.root / f".{name}.scratch", ignore_errors=True)
            (self.root / f".{name}.oracle.pickle").unlink(missing_ok=True)
            path = _hgrepos.build(name, self.root)
            done.write_text("ok\n")
            return path

    def oracle(self, name: str) -> dict:
        """hg's description of every revlog of repo `name` (cached per session, and on
        disk next to the repo with REVLOG_EXPLORER_REPO_CACHE)."""
        path = self(name)
        if not self.persistent:
            return _hgrepos.oracle(path, self.config(name))
        if name not in self._oracles:
            cached = self.root / f".{name}.oracle.pickle"
            if cached.exists():
                self._oracles[name] = pickle.loads(cached.read_bytes())
            else:
                result = _hgrepos.oracle(path, self.config(name), cache=False)
                tmp = cached.with_suffix(f".{os.getpid()}")
                tmp.write_bytes(pickle.dumps(result, protocol=4))
                os.replace(tmp, cached)
                self._oracles[name] = result
        return self._oracles[name]

    def hg(self, name: str, *args: str, config: dict | None = None, input: bytes | None = None
           ) -> bytes:
        """Run hg in repo `name` with its read config; return stdout."""
        return _hgrepos.hg(self(name), *args, config={**self.config(name), **(config or {})},
                           input=input)

    def copy(self, name: str, dest: os.PathLike | str) -> Path:
        """A private copy of repo `name` at dest (which must not exist)."""
        dest = Path(dest)
        shutil.copytree(self(name), dest, symlinks=True)
        return dest


def _is_old_hg_unavailable(exc: BaseException) -> bool:
    from tests import oldhg

    return isinstance(exc, oldhg.OldHgUnavailable)


@pytest.fixture(scope="session")
def hgrepos(tmp_path_factory) -> RepoFactory:
    cache = os.environ.get("REVLOG_EXPLORER_REPO_CACHE")
    if cache:
        root = Path(cache).expanduser() / _source_fingerprint()
        root.mkdir(parents=True, exist_ok=True)
        return RepoFactory(root, persistent=True)
    return RepoFactory(tmp_path_factory.mktemp("hgrepos"), persistent=False)


@pytest.fixture
def hgspec(hgrepo_name) -> _hgrepos.Spec:
    return _hgrepos.SPECS[hgrepo_name]


@pytest.fixture
def hgconfig(hgrepos, hgrepo_name) -> dict[str, str]:
    return hgrepos.config(hgrepo_name)


@pytest.fixture
def hgrepo(hgrepos, hgrepo_name) -> Path:
    return hgrepos(hgrepo_name)


@pytest.fixture
def hgoracle(hgrepos, hgrepo_name) -> dict:
    return hgrepos.oracle(hgrepo_name)


@pytest.fixture
def hgrepo_copy(hgrepos, hgrepo_name, tmp_path) -> Path:
    return hgrepos.copy(hgrepo_name, tmp_path / hgrepo_name)


@pytest.fixture(scope="session")
def repo(hgrepos) -> Path:
    """A store with merges, copies, a binary file and branches (built by hg)."""
    return hgrepos("zstd")


@pytest.fixture
def repo_copy(repo, tmp_path) -> Path:
    """A private copy of ``repo`` to damage or edit."""
    return Path(shutil.copytree(repo, tmp_path / "repo", symlinks=True))


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests save what they saw: a temporary directory, unless
    REVLOG_EXPLORER_SCREENSHOTS names one (``screenshots`` to refresh the README's
    pictures): a test run does not change the checkout unasked."""
    named = os.environ.get("REVLOG_EXPLORER_SCREENSHOTS")
    path = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def read_only(monkeypatch):
    """Make the file systems of the given directories read-only, as ``statvfs`` says it
    (root writes through file permissions: a chmod would not do)."""
    roots: list[str] = []
    real = os.statvfs

    def statvfs(path):
        result = real(path)
        if any(os.path.abspath(path).startswith(r) for r in roots):
            fields = list(result)
            fields[8] |= os.ST_RDONLY  # f_flag
            return os.statvfs_result(fields)
        return result

    monkeypatch.setattr(os, "statvfs", statvfs)
    return lambda path: roots.append(os.path.abspath(path))
