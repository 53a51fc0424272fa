"""What Mercurial reads from a repository, as digests (run under a Python with Mercurial).

    python tests/engine/repo/hgdigest.py REPO [section.name=value ...] > digests.pickle

Pickles {"files": [{path: (sha1 of data, flags)} per changeset],
"revlogs": {unencoded index path: [sha1 of rawdata per revision]}}: the data
of every file at every changeset (what ``hg cat -r N`` prints) and the raw
text of every revision of every revlog (what ``hg debugdata`` prints), read
and hash-checked by Mercurial itself. Digests keep big histories cheap to
compare.
"""

from __future__ import annotations

import hashlib
import pickle
import sys


def _sha(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()


def _s(path: bytes) -> str:
    return path.decode("utf-8", "surrogateescape")


def digests(repo) -> dict:
    files, paths, dirs = [], set(), {b""}
    seen: dict[tuple[bytes, bytes], bytes] = {}  # (path, file node) -> digest of its data
    for rev in repo:
        manifest = repo[rev].manifest()
        row = {}
        for f in manifest:
            key = (f, manifest[f])
            if key not in seen:
                seen[key] = _sha(repo.file(f).read(key[1]))
            row[_s(f)] = (seen[key], manifest.flags(f).decode())
        files.append(row)
        paths.update(manifest)
        for f in manifest:
            parts = f.split(b"/")[:-1]
            dirs.update(b"/".join(parts[: i + 1]) + b"/" for i in range(len(parts)))
    revlogs = {"00changelog.i": [_sha(repo.changelog.rawdata(r)) for r in repo.changelog]}
    tree = any(r == b"treemanifest" for r in repo.requirements)
    for d in sorted(dirs) if tree else [b""]:
        store = repo.manifestlog.getstorage(d)._revlog
        name = f"meta/{_s(d)}00manifest.i" if d else "00manifest.i"
        revlogs[name] = [_sha(store.rawdata(r)) for r in store]
    for path in sorted(paths):
        flog = repo.file(path)
        revlogs[f"data/{_s(path)}.i"] = [_sha(flog._revlog.rawdata(r)) for r in flog]
    return {"files": files, "revlogs": revlogs}


def main(argv: list[str]) -> None:
    from mercurial import hg
    from mercurial import ui as uimod

    ui = uimod.ui.load()
    for item in argv[1:]:
        key, value = item.split("=", 1)
        section, name = key.split(".", 1)
        ui.setconfig(section.encode(), name.encode(), value.encode(), b"hgdigest")
    repo = hg.repository(ui, argv[0].encode()).unfiltered()
    sys.stdout.buffer.write(pickle.dumps(digests(repo), protocol=4))


if __name__ == "__main__":
    main(sys.argv[1:])
