"""Mercurial as the oracle: dump what hg knows about every revlog of a repository.

This file is an hg extension providing one command; tests/hgrepos.py's
``oracle()`` runs it as::

    hg --config extensions.hgoracle=tests/hgoracle.py -R REPO [--config ...] \
        debug-revlog-oracle OUTPUT

and it can be run as a script, under an interpreter that has Mercurial
(it then calls hg's dispatch in-process with the same arguments)::

    python tests/hgoracle.py REPO [--config section.name=value ...]  > out.pickle

Loaded through hg's own dispatch, the repository is opened exactly as by any hg
command (config, extensions such as lfs, slow-path permissions).  The command
writes a pickle (protocol 4) of plain Python objects (dict, list, str, bytes,
int, bool, None) -- loadable without Mercurial:

    {
      "repo": str,                      # absolute path
      "hg_version": str,                # e.g. "7.2.4"
      "config": {str: str},             # the --config items used (filled in by
                                        # hgrepos.oracle(); {} otherwise)
      "requirements": [str],            # sorted, .hg/requires + .hg/store/requires
      "store_path": str,                # absolute path of the store directory (.hg/store or .hg)
      "revlogs": {                      # keyed by path, changelog first, then manifests, filelogs
        path: {
          "path": str,                  # unencoded store path of the index:
                                        # "00changelog.i", "00manifest.i",
                                        # "meta/d/00manifest.i", "data/Foo.txt.i"
                                        # (str; non-UTF-8 bytes as surrogateescape)
          "path_bytes": bytes,          # the same, as bytes
          "kind": "changelog" | "manifest" | "filelog",
          "target": bytes,              # file path (filelog), directory "d/" ("" for the
                                        # root manifest), "" for the changelog
          "files": {str: str},          # every file of this revlog: unencoded store path ->
                                        # path relative to the store dir as on disk (encoded)
          "index_file": str, "data_file": str | None, "sidedata_file": str | None,
                                        # unencoded, as hg names them (.idx/.dat/.sda for v2)
          "version": int,               # header version: 0, 1, 0xDEAD (v2), 0xD34D (changelog-v2)
          "header_flags": int,          # header & ~0xFFFF (FLAG_INLINE_DATA = 1 << 16, ...)
          "inline": bool,
          "generaldelta": bool, "sparse_revlog": bool, "delta_info": bool,
          "compression_engine": str,    # hg's engine for new chunks ("zstd", "zlib", "none")
          "docket": None | {            # revlog v2 / changelog v2 only
              "index_end": int, "data_end": int, "sidedata_end": int,
              "default_compression_header": bytes},
          "len": int,
          "revs": [ {                   # one per revision, index = rev
              "rev": int,
              "offset": int,            # index field 0 >> 16 (hg reports 0 for rev 0 of a
                                        # v0/v1 index, whose first bytes hold the header)
              "flags": int,             # index field 0 & 0xFFFF
              "compressed_length": int, "uncompressed_length": int,
              "base": int, "linkrev": int, "p1": int, "p2": int,
              "node": bytes,            # 20 bytes
              "sidedata_offset": int, "sidedata_length": int,
              "data_compression_mode": int, "sidedata_compression_mode": int,
              "rank": int | None,       # index tuple field 12 (-1 = unknown)
              "chunk": bytes | None,    # the bytes stored on disk for this rev (incl. header byte)
              "rawdata": bytes | None,  # what `hg debugdata` prints: rl.rawdata(rev)
              "rawdata_error": str | None,  # "ExceptionType: message" when rawdata raised
              "rawdata_unvalidated": bytes | None,  # rawdata(rev, validate=False) when
                                                    # the validated read raised, else None
              "text": bytes | None,     # rl.revision(rev) (after flag processors, e.g. the
                                        # lfs blob) when it differs from rawdata, else None
              "text_error": str | None,
              "delta_parent": int,      # rl.deltaparent(rev), -1 = full text
              "delta_chain": [int],     # rl._deltachain(rev)[0]: chain base first, rev last
              "is_snapshot": bool,      # rl.issnapshot(rev)
              "snapshot_depth": int | None,  # rl.snapshotdepth(rev) for snapshots
              "censored": bool,         # rl.iscensored(rev)
              "hash_ok": bool | None,   # hg's own check (checkhash over the flag-processed
                                        # text); None if the text could not be read
              "hash_error": str | None,
              "raw_hash_ok": bool | None,  # sha1(min(p1,p2)+max(p1,p2)+rawdata) == node
              "sidedata": {int: bytes} | None,  # rl.sidedata(rev) when sidedata_length > 0
              "renamed": (bytes, bytes) | None,  # filelogs: (source path, source node)
              "size": int | None,       # filelogs: filelog.size(rev) (text without metadata)
          } ]
        }
      },
      "errors": [str],                  # revlogs hg could not open at all
    }

Nothing here raises on a censored or lfs revision: failures are recorded.
"""

from __future__ import annotations

import os
import pickle
import sys


def _err(exc: BaseException) -> str:
    msg = exc.args[0] if exc.args else ""
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    return f"{type(exc).__name__}: {msg}"


def _s(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def dump(repo) -> dict:
    from mercurial import error, util  # noqa: PLC0415
    from mercurial.utils import storageutil

    repo = repo.unfiltered()
    store = repo.store
    result = {
        "repo": _s(repo.root),
        "hg_version": util.version().decode(),
        "config": {},
        "requirements": sorted(r.decode() for r in repo.requirements),
        "store_path": _s(store.path),
        "revlogs": {},
        "errors": [],
    }
    store_prefix = store.path.rstrip(b"/") + b"/"

    def encoded(unencoded: bytes) -> str:
        full = store.join(unencoded)
        if full.startswith(store_prefix):
            full = full[len(store_prefix) :]
        return _s(full)

    entries = [e for e in store.walk() if getattr(e, "is_revlog", False)]

    def order(e):
        if e.is_changelog:
            return (0, b"")
        if e.is_manifestlog:
            return (1, e.target_id)
        return (2, e.target_id)

    for entry in sorted(entries, key=order):
        try:
            storage = entry.get_revlog_instance(repo)
            rl = storage.get_revlog()
        except Exception as exc:  # noqa: BLE001
            result["errors"].append(f"{_s(entry.main_file_path())}: {_err(exc)}")
            continue
        if entry.is_changelog:
            kind = "changelog"
        elif entry.is_manifestlog:
            kind = "manifest"
        else:
            kind = "filelog"
        path_b = rl.radix + b".i"
        files = {}
        try:
            for f in entry.files(store.vfs):
                files[_s(f.unencoded_path)] = encoded(f.unencoded_path)
        except Exception as exc:  # noqa: BLE001
            result["errors"].append(f"{_s(path_b)}: listing files: {_err(exc)}")
        docket = None
        if getattr(rl, "_docket", None) is not None:
            d = rl._docket
            docket = {
                "index_end": d.index_end,
                "data_end": d.data_end,
                "sidedata_end": d.sidedata_end,
                "default_compression_header": bytes(d.default_compression_header),
            }
        info = {
            "path": _s(path_b),
            "path_bytes": path_b,
            "kind": kind,
            "target": b"" if entry.is_changelog else entry.target_id,
            "files": files,
            "index_file": _s(rl._indexfile),
            "data_file": _s(rl._datafile) if getattr(rl, "_datafile", None) else None,
            "sidedata_file": _s(rl._sidedatafile) if getattr(rl, "_sidedatafile", None) else None,
            "version": rl._format_version,
            "header_flags": rl._format_flags,
            "inline": bool(rl._inline),
            "generaldelta": bool(rl.delta_config.general_delta),
            "sparse_revlog": bool(rl.delta_config.sparse_revlog),
            "delta_info": bool(getattr(rl.data_config, "delta_info", False)),
            "compression_engine": _s(rl.feature_config.compression_engine),
            "docket": docket,
            "len": len(rl),
            "revs": [],
        }
        for rev in range(len(rl)):
            info["revs"].append(_rev_info(rl, storage, kind, rev, error, storageutil))
        result["revlogs"][info["path"]] = info
    return result


def _rev_info(rl, storage, kind, rev, error, storageutil) -> dict:
    e = rl.index[rev]
    node = e[7]
    r = {
        "rev": rev,
        "offset": e[0] >> 16,
        "flags": e[0] & 0xFFFF,
        "compressed_length": e[1],
        "uncompressed_length": e[2],
        "base": e[3],
        "linkrev": e[4],
        "p1": e[5],
        "p2": e[6],
        "node": bytes(node),
        "sidedata_offset": e[8],
        "sidedata_length": e[9],
        "data_compression_mode": e[10],
        "sidedata_compression_mode": e[11],
        "rank": e[12] if len(e) > 12 else None,
        "chunk": None,
        "rawdata": None,
        "rawdata_error": None,
        "rawdata_unvalidated": None,
        "text": None,
        "text_error": None,
        "delta_parent": rl.deltaparent(rev),
        "delta_chain": list(rl._deltachain(rev)[0]),
        "is_snapshot": bool(rl.issnapshot(rev)),
        "snapshot_depth": None,
        "censored": bool(rl.iscensored(rev)),
        "hash_ok": None,
        "hash_error": None,
        "raw_hash_ok": None,
        "sidedata": None,
        "renamed": None,
        "size": None,
    }
    if r["is_snapshot"]:
        try:
            r["snapshot_depth"] = rl.snapshotdepth(rev)
        except Exception:  # noqa: BLE001  (e.g. not a sparse revlog)
            pass
    try:
        r["chunk"] = bytes(rl._inner.get_segment_for_revs(rev, rev)[1])
    except Exception:  # noqa: BLE001
        pass
    raw = None
    try:
        raw = rl.rawdata(rev)
        r["rawdata"] = bytes(raw)
    except Exception as exc:  # noqa: BLE001
        r["rawdata_error"] = _err(exc)
        rl.clearcaches()
        try:
            raw = rl.rawdata(rev, validate=False)
            r["rawdata_unvalidated"] = bytes(raw)
        except Exception:  # noqa: BLE001
            raw = None
    p1n, p2n = rl.node(e[5]), rl.node(e[6])
    if raw is not None:
        r["raw_hash_ok"] = storageutil.hashrevisionsha1(bytes(raw), p1n, p2n) == node
    text = None
    try:
        text = rl._revisiondata(rev, raw=False, validate=False)
        if raw is None or bytes(text) != bytes(raw):
            r["text"] = bytes(text)
    except Exception as exc:  # noqa: BLE001
        r["text_error"] = _err(exc)
    if text is not None:
        try:
            rl.checkhash(text, node, p1=p1n, p2=p2n, rev=rev)
            r["hash_ok"] = True
        except (error.RevlogError, error.CensoredNodeError) as exc:
            r["hash_ok"] = False
            r["hash_error"] = _err(exc)
    if r["sidedata_length"]:
        try:
            r["sidedata"] = {int(k): bytes(v) for k, v in rl.sidedata(rev).items()}
        except Exception:  # noqa: BLE001
            pass
    if kind == "filelog":
        try:
            ren = storage.renamed(node)
            r["renamed"] = (bytes(ren[0]), bytes(ren[1])) if ren else None
        except Exception:  # noqa: BLE001
            pass
        try:
            r["size"] = storage.size(rev)
        except Exception:  # noqa: BLE001
            pass
    return r


def _hg_cmdtable() -> dict:
    from mercurial import registrar  # noqa: PLC0415

    table: dict = {}
    command = registrar.command(table)

    @command(b"debug-revlog-oracle", [], b"OUTPUT")
    def debug_revlog_oracle(ui, repo, output):
        """pickle what hg knows about every revlog into OUTPUT (revlog-explorer tests)"""
        data = pickle.dumps(dump(repo), protocol=4)
        with open(output, "wb") as fh:
            fh.write(data)

    return table


if "mercurial.registrar" in sys.modules or "mercurial.dispatch" in sys.modules:
    cmdtable = _hg_cmdtable()


def main(argv: list[str]) -> int:
    """Script use: python hgoracle.py REPO [--config k=v ...]; pickle on stdout."""
    import tempfile  # noqa: PLC0415

    from mercurial import dispatch  # noqa: PLC0415

    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "oracle.pickle")
        args = [
            "--config", f"extensions.hgoracle={os.path.abspath(__file__)}",
            "-R", argv[0], *argv[1:], "debug-revlog-oracle", out,
        ]
        rc = dispatch.dispatch(dispatch.request([os.fsencode(a) for a in args]))
        if rc:
            return rc
        with open(out, "rb") as fh:
            sys.stdout.buffer.write(fh.read())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
