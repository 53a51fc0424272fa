"""Revlog-v2 and changelog-v2 dockets.

In these formats the ``.i`` file holds no entries: it is a small *docket*
naming the real index (``<radix>-<uid>.idx``), data (``.dat``) and sidedata
(``.sda``) files and how many bytes of each are committed. Bytes past those
ends belong to an unfinished transaction and are not part of the revlog.

Layout (big-endian): the header word, six u8 (uid length and count of older
uids for index, data, sidedata), six u64 (committed and pending ends of
index, data, sidedata), one byte naming the default compression, then for
each file its uid, the ``>BL`` (uid length, file size) pairs of its older
uids, and those older uids.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..errors import CorruptionError

DOCKET_HEADER = struct.Struct(">IBBBBBBQQQQQQc")
OLD_UID = struct.Struct(">BL")


@dataclass
class Docket:
    version_header: int
    index_uid: bytes
    data_uid: bytes
    sidedata_uid: bytes
    index_end: int
    pending_index_end: int
    data_end: int
    pending_data_end: int
    sidedata_end: int
    pending_sidedata_end: int
    default_compression: bytes
    older_index_uids: list[tuple[bytes, int]] = field(default_factory=list)
    older_data_uids: list[tuple[bytes, int]] = field(default_factory=list)
    older_sidedata_uids: list[tuple[bytes, int]] = field(default_factory=list)

    def index_suffix(self) -> str:
        return f"-{self.index_uid.decode('ascii')}.idx"

    def data_suffix(self) -> str:
        return f"-{self.data_uid.decode('ascii')}.dat"

    def sidedata_suffix(self) -> str:
        return f"-{self.sidedata_uid.decode('ascii')}.sda"

    def serialize(self) -> bytes:
        """The docket's bytes, as Mercurial writes them."""
        parts = [
            DOCKET_HEADER.pack(
                self.version_header,
                len(self.index_uid), len(self.older_index_uids),
                len(self.data_uid), len(self.older_data_uids),
                len(self.sidedata_uid), len(self.older_sidedata_uids),
                self.index_end, self.pending_index_end,
                self.data_end, self.pending_data_end,
                self.sidedata_end, self.pending_sidedata_end,
                self.default_compression,
            )
        ]
        for uid, older in (
            (self.index_uid, self.older_index_uids),
            (self.data_uid, self.older_data_uids),
            (self.sidedata_uid, self.older_sidedata_uids),
        ):
            parts.append(uid)
            parts.extend(OLD_UID.pack(len(u), size) for u, size in older)
            parts.extend(u for u, _ in older)
        return b"".join(parts)


def parse_docket(data: bytes, file: str) -> Docket:
    """Decode a docket, naming the byte where it stops making sense."""
    if len(data) < DOCKET_HEADER.size:
        raise CorruptionError(
            f"docket is {len(data)} bytes, shorter than its {DOCKET_HEADER.size}-byte header",
            file=file,
            offset=len(data),
        )
    (version, i_len, i_old, d_len, d_old, s_len, s_old,
     i_end, i_pend, d_end, d_pend, s_end, s_pend, comp) = DOCKET_HEADER.unpack_from(data, 0)
    reader = _Reader(data, DOCKET_HEADER.size, file)
    index_uid = reader.take(i_len)
    older_index = reader.older(i_old)
    data_uid = reader.take(d_len)
    older_data = reader.older(d_old)
    sidedata_uid = reader.take(s_len)
    older_sidedata = reader.older(s_old)
    for uid, where in ((index_uid, "index"), (data_uid, "data"), (sidedata_uid, "sidedata")):
        if not uid.isalnum() and uid:
            raise CorruptionError(f"{where} uid {uid!r} is not alphanumeric", file=file)
    return Docket(version, index_uid, data_uid, sidedata_uid, i_end, i_pend, d_end, d_pend,
                  s_end, s_pend, comp, older_index, older_data, older_sidedata)


class _Reader:
    def __init__(self, data: bytes, pos: int, file: str) -> None:
        self.data, self.pos, self.file = data, pos, file

    def take(self, size: int) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise CorruptionError(
                f"docket ends at byte {len(self.data)}, expected {end} bytes",
                file=self.file,
                offset=len(self.data),
            )
        out = bytes(self.data[self.pos : end])
        self.pos = end
        return out

    def older(self, count: int) -> list[tuple[bytes, int]]:
        sizes = [OLD_UID.unpack(self.take(OLD_UID.size)) for _ in range(count)]
        return [(self.take(length), size) for length, size in sizes]
