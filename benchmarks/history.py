"""A real history for benchmarks: successive PyPI releases of a project, committed by hg.

Each release's sdist becomes one changeset (files added, changed and removed
as the project evolved), committed through Mercurial's own API, so the store
is exactly what hg writes for real code. The repository is cached under
``~/.cache/revlog-explorer/history`` (or ``$REVLOG_EXPLORER_CACHE``) and reused.

    python benchmarks/history.py [--package hypothesis] [--count 600]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import tarfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PYPI = "https://pypi.org/pypi/{package}/json"


def cache_dir() -> Path:
    root = os.environ.get("REVLOG_EXPLORER_CACHE") or Path.home() / ".cache" / "revlog-explorer"
    return Path(root)


def releases(package: str, count: int) -> list[tuple[str, str, str]]:
    """The last ``count`` sdists by upload time: (upload time, version, url)."""
    with urllib.request.urlopen(PYPI.format(package=package), timeout=60) as reply:
        meta = json.load(reply)
    found = [
        (f["upload_time"], version, urllib.request.urljoin(reply.url, f["url"]))
        for version, files in meta["releases"].items()
        for f in files
        if f["packagetype"] == "sdist" and f["filename"].endswith(".tar.gz")
    ]
    return sorted(found)[-count:]


def fetch(url: str, dest: Path) -> Path:
    if not dest.exists():
        with urllib.request.urlopen(url, timeout=120) as reply:
            data = reply.read()
        tmp = dest.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.rename(dest)
    return dest


def tree(sdist: Path) -> dict[bytes, bytes]:
    """Files of an sdist, without its top-level directory."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(sdist.read_bytes())) as tar:
        for member in tar.getmembers():
            if not member.isfile() or "/" not in member.name:
                continue
            path = member.name.split("/", 1)[1]
            if path:
                files[path.encode()] = tar.extractfile(member).read()
    return files


def release_trees(package: str, count: int):
    """(version, unix time, files) of the last ``count`` sdists, downloaded once."""
    wanted = releases(package, count)
    downloads = cache_dir() / "sdists" / package
    downloads.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda r: fetch(r[2], downloads / r[2].rsplit("/", 1)[1]), wanted))
    from datetime import datetime, timezone

    for (uploaded, version, _), sdist in zip(wanted, paths):
        when = datetime.fromisoformat(uploaded).replace(tzinfo=timezone.utc).timestamp()
        yield version, int(when), tree(sdist)


def build(package: str = "hypothesis", count: int = 600) -> Path:
    """Path of the cached repository, building it first if needed."""
    repo_path = cache_dir() / "history" / f"{package}-{count}"
    if (repo_path / ".hg" / "complete").exists():
        return repo_path
    _commit_releases(repo_path, package, release_trees(package, count))
    (repo_path / ".hg" / "complete").write_text("ok\n")
    return repo_path


def _commit_releases(repo_path: Path, package: str, trees) -> None:
    from mercurial import context, hg
    from mercurial import ui as uimod

    ui = uimod.ui.load()
    repo_path.mkdir(parents=True, exist_ok=True)
    repo = hg.repository(ui, str(repo_path).encode(), create=not (repo_path / ".hg").exists())
    previous: dict[bytes, bytes] = {}
    parent = repo[b"tip"].node()
    with repo.wlock(), repo.lock(), repo.transaction(b"import-releases"):
        for version, when, files in trees:
            changed = sorted(p for p in files.keys() | previous.keys()
                             if files.get(p) != previous.get(p))
            if not changed:
                continue

            def filectx(repo, memctx, path, files=files):
                if path not in files:
                    return None
                return context.memfilectx(repo, memctx, path, files[path])

            ctx = context.memctx(repo, (parent, None), f"{package} {version}".encode(), changed,
                                 filectx, user=b"release <release@example.org>",
                                 date=(when, 0))
            parent = ctx.commit()
            previous = files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="hypothesis")
    parser.add_argument("--count", type=int, default=600)
    args = parser.parse_args()
    print(build(args.package, args.count))


if __name__ == "__main__":
    main()
