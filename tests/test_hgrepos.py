"""The test repositories are what their specs claim.

Every repo passes `hg verify` (or fails it the documented way), has the
requirements its spec implies, and really contains the feature it is there for.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests import hgrepos as H
from tests import v0

INLINE, GD, FILELOG_META, DELTA_INFO = (
    H.FLAG_INLINE_DATA, H.FLAG_GENERALDELTA, H.FLAG_FILELOG_META, H.FLAG_DELTA_INFO)


def requirements(repo: Path) -> set[str]:
    reqs = set((repo / ".hg" / "requires").read_text().split())
    store_reqs = repo / ".hg" / "store" / "requires"
    if store_reqs.exists():
        reqs |= set(store_reqs.read_text().split())
    return reqs


def all_revs(oracle: dict):
    for path, rl in oracle["revlogs"].items():
        for r in rl["revs"]:
            yield path, rl, r


def store_dir(repo: Path) -> Path:
    return repo / ".hg" / "store" if (repo / ".hg" / "store").is_dir() else repo / ".hg"


# -- every repo -----------------------------------------------------------------


def test_spec_is_documented(hgspec):
    assert len(hgspec.doc) > 40, hgspec.name
    assert hgspec.features


def test_verify(hgrepo, hgspec, hgconfig):
    rc, out, err = H.hg_run(hgrepo, "verify", config=hgconfig)
    text = (out + err).decode("utf-8", "replace")
    assert (rc == 0) == hgspec.verify_ok, text
    for expected in hgspec.verify_expect:
        assert expected in text, text
    if hgspec.verify_ok and not hgspec.verify_expect:
        assert "warning" not in text, text


def test_requirements(hgrepo, hgspec):
    reqs = requirements(hgrepo)
    assert hgspec.requires <= reqs, hgspec.requires - reqs
    assert not (hgspec.forbids & reqs), hgspec.forbids & reqs


def test_oracle_matches_hg_cli(hgrepos, hgrepo_name, hgoracle):
    """The oracle (hg's API, as an extension command) agrees with the hg commands
    users run, byte for byte."""
    o = hgoracle
    assert o["hg_version"] == hg_version()
    assert o["requirements"] == sorted(requirements(hgrepos(hgrepo_name)))
    assert not o["errors"]
    cl = o["revlogs"]["00changelog.i"]
    log = hgrepos.hg(hgrepo_name, "log", "--hidden", "-T", "{node}\n").split()
    assert sorted(r["node"].hex() for r in cl["revs"]) == sorted(n.decode() for n in log)
    # the filelogs the oracle lists are the ones the manifests name
    assert o["revlogs"]["00manifest.i"]["kind"] == "manifest"
    filelogs = {rl["target"] for rl in o["revlogs"].values() if rl["kind"] == "filelog"}
    if "treemanifest" not in o["requirements"]:
        named = set()
        for r in o["revlogs"]["00manifest.i"]["revs"]:
            named |= {line.split(b"\0")[0] for line in r["rawdata"].split(b"\n") if line}
        assert named == filelogs
    # `hg debugdata` prints the oracle's rawdata: changelog tip, manifest tip, one filelog
    checks = [(["-c"], cl), (["-m"], o["revlogs"]["00manifest.i"])]
    fl = [rl for rl in o["revlogs"].values() if rl["kind"] == "filelog"]
    if fl:
        mid = fl[len(fl) // 2]
        checks.append(([mid["target"].decode("utf-8", "surrogateescape")], mid))
    for args, rl in checks:
        tip = rl["revs"][-1]
        if tip["rawdata"] is not None:
            out = hgrepos.hg(hgrepo_name, "debugdata", *args, str(tip["rev"]))
            assert out == tip["rawdata"], (rl["path"], tip["rev"])


_HG_VERSION = []


def hg_version() -> str:
    if not _HG_VERSION:
        out = H.hg(".", "version", "-q").decode()
        _HG_VERSION.append(out.split("version ")[1].split(")")[0])
    return _HG_VERSION[0]


def test_oracle_integrity(hgoracle, hgspec):
    """Every revision hg reads has a valid hash, except where a spec says why not."""
    for path, rl, r in all_revs(hgoracle):
        assert len(r["node"]) == 20
        assert r["delta_chain"][-1] == r["rev"]
        if r["rev"] == 0:
            assert r["offset"] == 0
        if r["censored"]:
            assert "censored" in hgspec.features
            assert r["hash_ok"] is False
            continue
        assert r["rawdata_error"] is None, (path, r["rev"], r["rawdata_error"])
        assert r["hash_ok"] is True, (path, r["rev"], r["hash_error"])
        if r["flags"] & H.REVIDX_EXTSTORED:
            assert r["raw_hash_ok"] is False  # the hash covers the lfs blob, not the pointer
        else:
            assert r["raw_hash_ok"] is True, (path, r["rev"])
            assert r["text"] is None
        assert len(r["rawdata"]) == r["uncompressed_length"] or rl["version"] == 0


# -- formats ----------------------------------------------------------------------


def chunk_headers(o: dict) -> set[bytes]:
    return {r["chunk"][:1] for _, rl, r in all_revs(o) if rl["version"] == 1}


def test_compression(hgrepos):
    zstd, zlib, none = (chunk_headers(hgrepos.oracle(n)) for n in ("zstd", "zlib", "none"))
    assert b"(" in zstd
    assert b"x" in zlib and b"(" not in zlib
    assert none <= {b"u", b"\0", b""} and b"u" in none
    assert b"\0" in none  # the binary file's chunks start with NUL and are stored as-is
    engines = {rl["compression_engine"] for rl in hgrepos.oracle("none")["revlogs"].values()}
    assert engines == {"none"}


def test_no_generaldelta(hgrepos):
    o = hgrepos.oracle("no-generaldelta")
    for path, rl, r in all_revs(o):
        assert not rl["header_flags"] & GD, path
        assert r["delta_parent"] in (-1, r["rev"] - 1)
        assert r["base"] == r["delta_chain"][0]  # base field = chain base


def test_generaldelta_without_sparse(hgrepos):
    o = hgrepos.oracle("gd-no-sparse")
    assert not any(rl["sparse_revlog"] for rl in o["revlogs"].values())
    fl = [rl for rl in o["revlogs"].values() if rl["kind"] != "changelog"]
    assert all(rl["generaldelta"] and rl["header_flags"] & GD for rl in fl)
    # generaldelta: some delta is against a parent that is not the previous rev
    assert any(r["delta_parent"] not in (-1, r["rev"] - 1) for rl in fl for r in rl["revs"])


def test_split_and_inline_filelogs(hgrepos):
    repo = hgrepos("split-inline")
    data = store_dir(repo) / "data"
    assert (data / "big.txt.i").exists() and (data / "big.txt.d").exists()
    assert (data / "small.txt.i").exists() and not (data / "small.txt.d").exists()
    o = hgrepos.oracle("split-inline")
    big, small = o["revlogs"]["data/big.txt.i"], o["revlogs"]["data/small.txt.i"]
    assert not big["inline"] and not big["header_flags"] & INLINE
    assert small["inline"] and small["header_flags"] & INLINE
    tip = big["revs"][-1]
    assert tip["offset"] + tip["compressed_length"] >= 128 * 1024
    assert (data / "big.txt.d").stat().st_size == tip["offset"] + tip["compressed_length"]
    assert (data / "big.txt.i").stat().st_size == 64 * big["len"]


def test_long_chain_sparse(hgrepos):
    o = hgrepos.oracle("long-chain-sparse")
    chain = o["revlogs"]["data/chain.txt.i"]
    assert chain["len"] == 2000 and chain["sparse_revlog"]
    lengths = [len(r["delta_chain"]) for r in chain["revs"]]
    assert max(lengths) >= 1000
    assert max(lengths) <= 1001  # sparse-revlog caps chains at 1000 deltas
    intermediate = [r for r in chain["revs"] if r["is_snapshot"] and r["delta_parent"] != -1]
    assert intermediate, "no intermediate snapshot"
    assert all(r["snapshot_depth"] >= 1 for r in intermediate)
    assert chain["inline"] and not o["revlogs"]["00manifest.i"]["inline"]


def test_long_chain_generaldelta(hgrepos):
    o = hgrepos.oracle("long-chain-gd")
    chain = o["revlogs"]["data/chain.txt.i"]
    assert chain["generaldelta"] and not chain["sparse_revlog"]
    assert max(len(r["delta_chain"]) for r in chain["revs"]) > 1001  # no cap without sparse
    assert sum(r["delta_parent"] == -1 for r in chain["revs"]) >= 2  # and a new full snapshot


def test_long_chain_builder_bytes_do_not_depend_on_filelog_reuse(tmp_path):
    """History.apply reuses filelog objects inside a transaction for speed; the
    store must be byte-identical to hg's plain behaviour."""
    stores = []
    for reuse in (True, False):
        repo = tmp_path / f"reuse-{reuse}"
        H.hg(tmp_path, "init", repo.name)
        h = H.History()
        data = H.text_lines("chain.txt", 0, 400, width=32)
        for k in range(300):
            data = H.edit_line(data, (k * 7) % 100, k)
            h.commit({"chain.txt": data, **({"b.txt": b"%d\n" % k} if k % 50 == 0 else {})})
        h.apply(repo, reuse_filelogs=reuse)
        store = repo / ".hg" / "store"
        stores.append({p.relative_to(store): p.read_bytes() for p in store.rglob("*")
                       if p.is_file() and p.name.endswith((".i", ".d"))})
    assert stores[0] == stores[1]


def test_two_parent_filelogs_copies_escaping(hgrepos):
    o = hgrepos.oracle("zstd")
    revlogs = o["revlogs"]
    two_parents = [(p, r["rev"]) for p, rl, r in all_revs(o)
                   if rl["kind"] == "filelog" and r["p1"] != -1 and r["p2"] != -1]
    assert len(two_parents) >= 2
    # the file whose text starts with \1\n is escaped with an empty metadata header
    meta = revlogs["data/escaped/meta.txt.i"]["revs"][0]
    assert meta["rawdata"] == b"\x01\n\x01\n" + H.ESCAPED_TEXT
    assert meta["renamed"] is None and meta["size"] == len(H.ESCAPED_TEXT)
    # its rename carries copy metadata, then the escaped text
    moved = revlogs["data/escaped/moved.txt.i"]["revs"][0]
    assert moved["renamed"][0] == b"escaped/meta.txt"
    assert moved["rawdata"].startswith(b"\x01\ncopy: escaped/meta.txt\ncopyrev: ")
    assert moved["rawdata"].endswith(b"\x01\n" + H.ESCAPED_TEXT)
    assert moved["p1"] == -1  # copies have a null p1 in the filelog
    assert revlogs["data/src/helpers.py.i"]["revs"][0]["renamed"][0] == b"src/util.py"
    assert revlogs["data/src/lib/core_copy.py.i"]["revs"][0]["renamed"] is not None
    # empty files and binary files
    assert revlogs["data/data/empty.txt.i"]["revs"][0]["rawdata"] == b""
    assert revlogs["data/data/truncated.txt.i"]["revs"][-1]["rawdata"] == b""
    logo = revlogs["data/assets/logo.bin.i"]["revs"][0]["rawdata"]
    assert b"\0" in logo
    with pytest.raises(UnicodeDecodeError):
        logo.decode("utf-8")
    # manifest flags: executable and symlink
    man = revlogs["00manifest.i"]["revs"][-1]["rawdata"]
    assert b"bin/run.sh\0" in man and any(
        line.startswith(b"bin/run.sh\0") and line.endswith(b"x") for line in man.split(b"\n"))
    assert any(line.startswith(b"link-to-readme\0") and line.endswith(b"l")
               for line in man.split(b"\n"))
    # branches: a closed one
    template = "{branch} {ifcontains(rev, revset('closed()'), 'closed', 'open')}\n"
    heads = hgrepos.hg("zstd", "heads", "--closed", "-T", template)
    assert b"feature closed" in heads and b"stable open" in heads


def test_persistent_nodemap(hgrepos):
    store = store_dir(hgrepos("persistent-nodemap"))
    assert (store / "00changelog.n").exists() and list(store.glob("00changelog-*.nd"))
    # hg persists no nodemap for an inline revlog (the manifest here)
    assert not (store / "00manifest.n").exists()
    # without the slow-path permission, hg (no Rust) refuses the repo
    rc, _, err = H.hg_run(hgrepos("persistent-nodemap"), "log", "-r", "tip")
    assert rc != 0 and b"persistent-nodemap" in err


def test_revlogv2(hgrepos):
    o = hgrepos.oracle("revlogv2")
    store = store_dir(hgrepos("revlogv2"))
    for path, rl in o["revlogs"].items():
        assert rl["version"] == 0xDEAD and rl["docket"] is not None and not rl["inline"]
        assert rl["index_file"].endswith(".idx") and rl["data_file"].endswith(".dat")
        # the .i is a docket: it starts with the version header
        assert (store / rl["files"][path]).read_bytes()[:4] == struct.pack(">I", 0xDEAD)
    modes = {r["data_compression_mode"] for _, _, r in all_revs(o)}
    assert {0, 1} <= modes  # plain and default-engine chunks
    assert (store / "fileindex").exists() and not (store / "fncache").exists()


def test_changelogv2(hgrepos):
    o = hgrepos.oracle("changelogv2")
    cl = o["revlogs"]["00changelog.i"]
    assert cl["version"] == 0xD34D and cl["docket"] is not None
    assert all(rl["version"] == 1 for rl in o["revlogs"].values() if rl["kind"] != "changelog")
    tip = cl["revs"][-1]
    ancestors = hgrepos.hg("changelogv2", "log", "-r", f"ancestors({tip['rev']})", "-T", "x")
    assert tip["rank"] == len(ancestors) > 1


def test_copies_sidedata(hgrepos):
    o = hgrepos.oracle("copies-sidedata")
    cl = o["revlogs"]["00changelog.i"]
    with_info = [r for r in cl["revs"] if r["flags"] & H.REVIDX_HASCOPIESINFO]
    assert with_info and all(r["sidedata_length"] > 0 and r["sidedata"] for r in with_info)


def test_delta_info(hgrepos):
    o = hgrepos.oracle("delta-info")
    for path, rl in o["revlogs"].items():
        if rl["kind"] == "filelog":
            assert rl["header_flags"] & FILELOG_META and rl["header_flags"] & DELTA_INFO, path
        elif rl["kind"] == "manifest":
            assert rl["header_flags"] & DELTA_INFO, path
    flags = [r["flags"] for _, _, r in all_revs(o)]
    assert any(f & H.REVIDX_HASMETA for f in flags)
    assert any(f & H.REVIDX_DELTA_IS_SNAPSHOT for f in flags)
    moved = o["revlogs"]["data/escaped/moved.txt.i"]["revs"][0]
    assert moved["flags"] & H.REVIDX_HASMETA
    for _, rl, r in all_revs(o):
        if rl["kind"] != "changelog" and r["compressed_length"]:
            assert bool(r["flags"] & H.REVIDX_DELTA_IS_SNAPSHOT) == r["is_snapshot"]
    assert any(r["is_snapshot"] and r["delta_parent"] != -1 for _, _, r in all_revs(o))
    assert len(o["revlogs"]["data/chain.txt.i"]["revs"]) == 600


def test_fileindex(hgrepos):
    store = store_dir(hgrepos("fileindex"))
    assert (store / "fileindex").exists() and not (store / "fncache").exists()
    assert list(store.glob("fileindex-tree.*")) and list(store.glob("fileindex-list.*"))
    rc, _, err = H.hg_run(hgrepos("fileindex"), "log", "-r", "tip")
    assert rc != 0 and b"fileindex" in err  # needs the slow-path permission without Rust


def test_treemanifest(hgrepos):
    o = hgrepos.oracle("treemanifest")
    dirs = {rl["target"] for rl in o["revlogs"].values() if rl["kind"] == "manifest"}
    assert {b"", b"src/", b"src/lib/", b"a/b/c/d/e/f/"} <= dirs
    assert "meta/a/b/c/d/e/f/00manifest.i" in o["revlogs"]
    root = o["revlogs"]["00manifest.i"]["revs"][-1]["rawdata"]
    assert b"src\0" in root and any(line.endswith(b"t") for line in root.split(b"\n") if line)


def test_censored(hgrepos):
    o = hgrepos.oracle("censored")
    revs = o["revlogs"]["data/secret.txt.i"]["revs"]
    censored = [r for r in revs if r["censored"]]
    assert len(censored) == 1
    r = censored[0]
    assert r["flags"] & H.REVIDX_ISCENSORED and r["delta_parent"] == -1
    assert r["rawdata_unvalidated"].startswith(b"\x01\ncensored: removed by test\n\x01\n")
    assert "Censored" in r["rawdata_error"]
    # hg debugdata refuses it; verify passes when the censor policy is 'ignore'
    rc, _, err = H.hg_run(hgrepos("censored"), "debugdata", "secret.txt", str(r["rev"]),
                          config=hgrepos.config("censored"))
    assert rc != 0 and b"censored" in err
    rc, out, err = H.hg_run(hgrepos("censored"), "verify",
                            config={**hgrepos.config("censored"), "censor.policy": "ignore"})
    assert rc == 0, out + err


def test_lfs(hgrepos):
    o = hgrepos.oracle("lfs")
    ext = [(p, r) for p, _, r in all_revs(o) if r["flags"] & H.REVIDX_EXTSTORED]
    assert len(ext) >= 5
    for path, r in ext:
        assert r["rawdata"].startswith(b"version https://git-lfs.github.com/spec/v1\n"), path
        assert r["text"] is not None and len(r["text"]) >= 1000 and r["hash_ok"]
    grow = [r["flags"] & H.REVIDX_EXTSTORED for r in o["revlogs"]["data/grow.txt.i"]["revs"]]
    assert grow == [0, H.REVIDX_EXTSTORED, H.REVIDX_EXTSTORED, 0]
    assert list((store_dir(hgrepos("lfs")) / "lfs" / "objects").rglob("*"))


def encoded_paths(o: dict) -> dict[str, str]:
    out = {}
    for rl in o["revlogs"].values():
        out.update(rl["files"])
    return out


def test_store_names_fncache_dotencode(hgrepos):
    repo = hgrepos("store-names")
    o = hgrepos.oracle("store-names")
    enc = encoded_paths(o)
    store = store_dir(repo)
    for unencoded, on_disk in enc.items():
        assert (store / on_disk).is_file(), (unencoded, on_disk)
    hashed = [e for e in enc.values() if e.startswith("dh/")]
    assert len(hashed) >= 4
    assert all(len(e) <= 120 for e in enc.values())
    assert enc["data/aux.i"] != "data/aux.i" and enc["data/.hidden.i"] != "data/.hidden.i"
    assert enc["data/UPPER/Case.TXT.i"] != "data/UPPER/Case.TXT.i"
    fncache = (store / "fncache").read_bytes().split(b"\n")
    assert b"data/aux.i" in fncache and b"data/x.i.hg/y.txt.i" in fncache
    for name in H.WEIRD_NAMES:
        assert b"data/" + name + b".i" in {rl["path_bytes"] for rl in o["revlogs"].values()}, name


def test_store_names_without_dotencode(hgrepos):
    o = hgrepos.oracle("store-no-dotencode")
    enc = encoded_paths(o)
    with_dotencode = encoded_paths(hgrepos.oracle("store-names"))
    assert enc["data/.hidden.i"] == "data/.hidden.i" != with_dotencode["data/.hidden.i"]
    assert enc["data/aux.i"] == with_dotencode["data/aux.i"] != "data/aux.i"
    assert any(e.startswith("dh/") for e in enc.values())


def test_store_without_fncache(hgrepos):
    repo = hgrepos("store-no-fncache")
    store = store_dir(repo)
    assert not (store / "fncache").exists() and (store / "data").is_dir()
    enc = encoded_paths(hgrepos.oracle("store-no-fncache"))
    assert not any(e.startswith("dh/") for e in enc.values())
    assert enc["data/aux.i"] == "data/aux.i"  # no reserved-name escaping
    assert enc["data/UPPER/Case.TXT.i"] != "data/UPPER/Case.TXT.i"  # but case is encoded
    assert all((store / e).is_file() for e in enc.values())


def test_no_store(hgrepos):
    repo = hgrepos("no-store")
    assert not (repo / ".hg" / "store").exists()
    assert (repo / ".hg" / "00changelog.i").exists() and (repo / ".hg" / "data").is_dir()
    enc = encoded_paths(hgrepos.oracle("no-store"))
    assert enc["data/UPPER/Case.TXT.i"] == "data/UPPER/Case.TXT.i"
    assert enc["data/x.i/y.txt.i"] == "data/x.i.hg/y.txt.i"  # only directory escaping
    assert all((repo / ".hg" / e).is_file() for e in enc.values())


# -- formats hg 7 no longer writes -----------------------------------------------


def test_inline_changelog_from_old_hg(hgrepos):
    repo = hgrepos("inline-changelog")
    store = store_dir(repo)
    header = struct.unpack(">I", (store / "00changelog.i").read_bytes()[:4])[0]
    assert header & 0xFFFF == 1 and header & INLINE
    assert not (store / "00changelog.d").exists()
    o = hgrepos.oracle("inline-changelog")  # read by hg 7.2.4
    cl = o["revlogs"]["00changelog.i"]
    assert cl["inline"] and cl["len"] == 42
    assert o["hg_version"].startswith("7.")
    # the same history written by hg 7 has the same nodes, in a split changelog
    assert [r["node"] for r in cl["revs"]] == [
        r["node"] for r in hgrepos.oracle("zstd")["revlogs"]["00changelog.i"]["revs"]]
    assert not hgrepos.oracle("zstd")["revlogs"]["00changelog.i"]["inline"]


def test_v0_layout(hgrepos):
    store = store_dir(hgrepos("v0"))
    indexes = [p for p in store.rglob("*.i")]
    assert len(indexes) >= 20
    for p in indexes:
        data = p.read_bytes()
        assert len(data) % 76 == 0 and data, p
        assert p.with_suffix(".d").exists(), p
        # no header: rev 0's offset field is 0, and its base is itself
        off, clen, base, link, p1, p2, node = struct.unpack(">4l20s20s20s", data[:76])
        assert off == 0 and base == 0
    o = hgrepos.oracle("v0")
    assert all(rl["version"] == 0 and not rl["inline"] for rl in o["revlogs"].values())


def test_v0_reads_back_like_its_source(hgrepos):
    src, conv = hgrepos.oracle("no-generaldelta"), hgrepos.oracle("v0")
    assert set(src["revlogs"]) == set(conv["revlogs"])
    for path, rl in src["revlogs"].items():
        crl = conv["revlogs"][path]
        assert crl["len"] == rl["len"]
        for a, b in zip(rl["revs"], crl["revs"], strict=True):
            assert (a["node"], a["p1"], a["p2"], a["linkrev"]) == (
                b["node"], b["p1"], b["p2"], b["linkrev"]), (path, a["rev"])
            assert a["rawdata"] == b["rawdata"], (path, a["rev"])
            assert a["delta_chain"] == b["delta_chain"]
            assert b["hash_ok"]
    log = ["log", "-T", "{rev}:{node} {branch} {files}\n"]
    assert hgrepos.hg("v0", *log) == hgrepos.hg("no-generaldelta", *log)
    assert "revlogv1" not in requirements(hgrepos("v0"))


def test_v0_refuses_generaldelta(hgrepos, tmp_path):
    with pytest.raises(v0.ConversionError):
        v0.convert_repo(hgrepos("zlib"), tmp_path / "x")


# -- builder ----------------------------------------------------------------------


def test_builds_are_deterministic(hgrepos, tmp_path):
    """Nodes and whole stores (dockets' uids included) do not change between runs."""
    for name in ("zstd", "revlogv2"):
        again = H.build(name, tmp_path)
        first = store_dir(hgrepos(name))
        second = store_dir(again)
        files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
        for rel in files:
            assert (first / rel).read_bytes() == (second / rel).read_bytes(), (name, rel)


def test_hg_runner_environment(tmp_path):
    out = H.hg(tmp_path, "config", "--debug")
    # nothing but built-in defaults and our environment: no user or system hgrc
    assert b".hgrc" not in out and b"/etc/mercurial" not in out
    with pytest.raises(H.HgError) as exc:
        H.hg(tmp_path, "log")
    assert b"no repository found" in exc.value.stderr
