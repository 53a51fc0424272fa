"""Repository formats: creation options, the requirements they imply, and how
each revlog of such a store is written.

The requirements are the ones Mercurial writes for the same options (its
``format.*`` settings), so hg opens what we create; the write settings are
the ones hg derives from those requirements, so we store revisions as it
would.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RevlogError
from ..format.constants import (
    CHANGELOG_V2,
    FLAG_DELTA_INFO,
    FLAG_FILELOG_META,
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
    REVLOG_V0,
    REVLOG_V1,
    REVLOG_V2,
)
from ..revlog.delta_search import DELTA_ALGORITHMS, SPARSE_MAX_CHAIN, DeltaConfig
from ..revlog.writer import WriteConfig
from ..store.config import ConfigError, HgConfig

# Requirements kept in .hg/requires rather than the store's, with share-safe.
WORKING_COPY_REQUIREMENTS = {
    "exp-sparse", "shared", "relshared", "share-safe", "dirstate-tracked-key-v1", "dirstate-v2",
}
REVLOGV2 = "exp-revlogv2.2"
CHANGELOGV2 = "exp-changelog-v2"
DELTA_INFO = "delta-info-revlog"
MANIFEST_MAX_COMPRESSION = 3
FILELOG_MAX_COMPRESSION = 10


@dataclass(frozen=True)
class RepoFormat:
    """Options of ``Repo.init``; Mercurial's defaults unless said otherwise."""

    compression: str = "zstd"  # "zstd", "zlib" or "none"
    compression_level: int | None = None
    generaldelta: bool = True
    sparse: bool = True  # sparse-revlog (needs generaldelta)
    revlog: str = "v1"  # "v0", "v1" or "v2"
    changelog_v2: bool = False
    store: bool = True
    fncache: bool = True
    dotencode: bool = True
    tree_manifest: bool = False
    share_safe: bool = True
    delta_info: bool = False  # 7.x per-revision delta flags

    def requirements(self) -> set[str]:
        """The requirement names Mercurial writes for these options."""
        self._check()
        reqs = set()
        if self.revlog == "v1":
            reqs.add("revlogv1")
        elif self.revlog == "v2":
            reqs.add(REVLOGV2)
        if self.store:
            reqs.add("store")
            if self.fncache:
                reqs.add("fncache")
                if self.dotencode:
                    reqs.add("dotencode")
        if self.compression == "zstd":
            reqs.add("revlog-compression-zstd")
        elif self.compression != "zlib":
            reqs.add(f"exp-compression-{self.compression}")
        if self.revlog != "v0":
            if self.generaldelta or self.sparse or self.delta_info:
                reqs.add("generaldelta")
            if self.sparse or self.delta_info:
                reqs.add("sparserevlog")
        if self.delta_info:
            reqs.add(DELTA_INFO)
        if self.tree_manifest:
            reqs.add("treemanifest")
        if self.changelog_v2:
            reqs.add(CHANGELOGV2)
        if self.share_safe and self.store:
            reqs.add("share-safe")
        return reqs

    def _check(self) -> None:
        if self.compression not in ("zstd", "zlib", "none"):
            raise RevlogError(f"unknown compression {self.compression!r}")
        if self.revlog not in ("v0", "v1", "v2"):
            raise RevlogError(f"unknown revlog version {self.revlog!r}")
        if self.revlog == "v0" and (self.generaldelta or self.sparse or self.changelog_v2):
            raise RevlogError("revlog v0 has no generaldelta, sparse-revlog or changelog-v2")
        if self.sparse and not self.generaldelta:
            raise RevlogError("sparse-revlog needs generaldelta")
        if self.dotencode and not self.fncache:
            raise RevlogError("dotencode needs fncache")


def split_requirements(reqs: set[str]) -> tuple[set[str], set[str]]:
    """(.hg/requires, .hg/store/requires): with share-safe the store keeps its own."""
    if "share-safe" not in reqs:
        return reqs, set()
    working = reqs & WORKING_COPY_REQUIREMENTS
    return working, reqs - working


def _level(engine: str, config: HgConfig) -> int | None:
    """The compression level hg's configuration asks of ``engine`` (refused out of range,
    as hg refuses it)."""
    top = {"zlib": 9, "zstd": 22}.get(engine)
    if top is None:
        return None
    level = config.int("storage", f"revlog.{engine}.level")
    if level is not None and not 0 <= level <= top:
        raise ConfigError(f"invalid value for `storage.revlog.{engine}.level` config: {level}")
    return level


def _expected_compression(kind: str, config: HgConfig) -> int | None:
    """The most a delta is expected to shrink when compressed (hg's ``upperboundcomp``):
    it lets a search give up on an intermediate snapshot before compressing it.
    Manifests: 3 (``manifest.MAXCOMPRESSION``); filelogs: 10, or
    ``storage.filelog.expected-max-compression-ratio`` when positive."""
    if kind == "manifest":
        return MANIFEST_MAX_COMPRESSION
    if kind == "filelog":
        ratio = config.int("storage", "filelog.expected-max-compression-ratio",
                           FILELOG_MAX_COMPRESSION)
        return ratio if ratio > 0 else FILELOG_MAX_COMPRESSION
    return None


def compression_of(reqs: set[str]) -> str:
    if "revlog-compression-zstd" in reqs:
        return "zstd"
    engines = [r[len("exp-compression-"):] for r in reqs if r.startswith("exp-compression-")]
    return engines[0] if engines else "zlib"


def write_config(reqs: set[str], kind: str, level: int | None = None,
                 on_new_file=None, compression: str | None = None,
                 config: HgConfig | None = None) -> WriteConfig:
    """How revlogs of ``kind`` ("changelog", "manifest", "filelog") are written in a
    store with requirements ``reqs`` and hg configuration ``config`` (the options hg
    reads when it writes: ``format.maxchainlen``, ``experimental.maxdeltachainspan``,
    ``storage.revlog.zlib.level`` and ``.zstd.level``), and ours:
    ``revlog-explorer.delta-algorithm`` (``compact``, the default, or ``hg``: deltas
    made as hg makes them, so revisions written into an hg store are the bytes hg
    would have written)."""
    config = config or HgConfig()
    engine = compression or compression_of(reqs)
    gd = "generaldelta" in reqs
    sparse = "sparserevlog" in reqs and gd
    changelog = kind == "changelog"
    version = REVLOG_V1
    if "revlogv1" not in reqs and REVLOGV2 not in reqs:
        version = REVLOG_V0
    elif REVLOGV2 in reqs:
        version = REVLOG_V2
    if changelog and CHANGELOGV2 in reqs:
        version = CHANGELOG_V2
    delta = DeltaConfig(
        generaldelta=gd or version == REVLOG_V2,
        sparse=sparse,
        store_deltas=not changelog,
        max_chain_len=config.int("format", "maxchainlen", SPARSE_MAX_CHAIN if sparse else None),
        max_chain_span=max(config.size("experimental", "maxdeltachainspan", -1), -1),
        upper_bound_comp=_expected_compression(kind, config),
        lazy_delta_base=True,
        delta_algorithm=config.choice("revlog-explorer", "delta-algorithm",
                                      tuple(DELTA_ALGORITHMS), "compact"),
    )
    flags = 0
    if version == REVLOG_V1 and not changelog:
        flags = FLAG_INLINE_DATA
        if gd:
            flags |= FLAG_GENERALDELTA
        if DELTA_INFO in reqs:
            flags |= FLAG_DELTA_INFO
            if kind == "filelog":
                flags |= FLAG_FILELOG_META
    return WriteConfig(
        compression=engine,
        level=_level(engine, config) if level is None else level,
        delta=delta,
        may_inline=not changelog,
        delayed=changelog,
        version=version,
        header_flags=flags,
        on_new_file=None if changelog else on_new_file,
    )
