"""Chunk compression: the one-byte headers and the engines behind them.

A stored chunk says how it is compressed with its first byte: ``x`` is a
zlib stream (the byte is zlib's own first byte), ``(`` a zstd frame (first
byte of the zstd magic), ``u`` raw data after the byte, ``\\0`` raw data that
happens to start with a NUL (kept whole), and an empty chunk is empty data.

Decompression is bounded: a caller passes the largest output it will accept,
so a damaged or hostile chunk cannot make us allocate more than the index
promised (decompression bombs).
"""

from __future__ import annotations

import zlib

import zstandard

HEADER_ZLIB = b"x"
HEADER_ZSTD = b"("
HEADER_NONE = b"\0"
HEADER_UNCOMPRESSED = b"u"

HEADER_NAMES = {
    HEADER_ZLIB: "zlib",
    HEADER_ZSTD: "zstd",
    HEADER_NONE: "none",
    HEADER_UNCOMPRESSED: "uncompressed",
}


class DecompressionError(ValueError):
    """A chunk could not be decompressed; the caller adds file, rev and offset."""


_zstd = zstandard.ZstdDecompressor()
_frame_content_size = zstandard.frame_content_size


def chunk_kind(chunk: bytes) -> str:
    """Human name of how a chunk is stored: 'empty', 'zlib', 'zstd', 'uncompressed', 'none'."""
    if not chunk:
        return "empty"
    return HEADER_NAMES.get(bytes(chunk[:1]), f"unknown({chunk[0]:#04x})")


def decompress(chunk: bytes, limit: int) -> bytes:
    """Decode one stored chunk (COMP_MODE_INLINE), refusing output beyond ``limit`` bytes."""
    if not chunk:
        return b""
    head = chunk[0]
    if head == 0x78:  # 'x'
        return decompress_zlib(chunk, limit)
    if head == 0x00:
        return bytes(chunk)
    if head == 0x75:  # 'u'
        return bytes(chunk[1:])
    if head == 0x28:  # '('
        return decompress_zstd(chunk, limit)
    raise DecompressionError(f"unknown compression type {head:#04x}")


def decompress_with(header: bytes, chunk: bytes, limit: int) -> bytes:
    """Decode a chunk stored with the engine named by a docket's default ``header``."""
    if header == HEADER_ZLIB:
        return decompress_zlib(chunk, limit)
    if header == HEADER_ZSTD:
        return decompress_zstd(chunk, limit)
    if header == HEADER_NONE:
        return bytes(chunk)
    raise DecompressionError(f"unknown default compression {header!r}")


def _check_limit(limit: int) -> None:
    # A damaged index can declare a negative size; zlib would read a max_length of 0
    # as "no limit" and zstd refuses it with its own error.
    if limit < 0:
        raise DecompressionError(f"the index declares a negative size ({limit})")


def decompress_zlib(chunk: bytes, limit: int) -> bytes:
    _check_limit(limit)
    try:
        obj = zlib.decompressobj()
        out = obj.decompress(chunk, limit + 1)
    except zlib.error as exc:
        raise DecompressionError(f"zlib: {exc}") from None
    if len(out) > limit:
        raise DecompressionError(f"zlib stream inflates past the expected {limit} bytes")
    if not obj.eof:
        raise DecompressionError("zlib stream is truncated")
    if obj.unused_data:
        raise DecompressionError(f"{len(obj.unused_data)} bytes after the end of the zlib stream")
    return out


def decompress_zstd(chunk: bytes, limit: int) -> bytes:
    """Decode a zstd frame; a declared content size beyond ``limit`` is refused before
    anything is allocated (zstd would trust it)."""
    _check_limit(limit)
    try:
        size = _frame_content_size(chunk)
        if size > limit:
            raise DecompressionError(f"zstd frame declares {size} bytes, over the expected {limit}")
        if size >= 0:
            out = _zstd.decompress(chunk)
        else:
            out = _zstd.decompress(chunk, max_output_size=limit)
    except zstandard.ZstdError as exc:
        raise DecompressionError(f"zstd: {exc}") from None
    if len(out) > limit:
        raise DecompressionError(f"zstd frame inflates past the expected {limit} bytes")
    return out


ENGINE_HEADERS = {"zlib": HEADER_ZLIB, "zstd": HEADER_ZSTD, "none": HEADER_NONE}
# Below these sizes Mercurial never tries to compress: the frame costs more.
_MIN_SIZE = {"zlib": 44, "zstd": 50}
# Larger inputs are compressed in pieces, as Mercurial does, to bound memory.
_ONE_SHOT = 1_000_000


class Compressor:
    """Compress chunks the way Mercurial stores them for one engine and level.

    ``compress`` returns ``(header, data)``: the stored chunk is their
    concatenation. Data that does not shrink is stored as is, behind a ``u``
    unless it starts with a NUL byte (which already tells it apart).
    """

    def __init__(self, engine: str = "zstd", level: int | None = None) -> None:
        if engine not in ENGINE_HEADERS:
            raise ValueError(f"unknown compression engine {engine!r}")
        self.engine = engine
        self.level = level
        self.header = ENGINE_HEADERS[engine]
        if engine == "zstd":
            self._zstd = zstandard.ZstdCompressor(level=3 if level is None else level)

    def compress(self, data: bytes) -> tuple[bytes, bytes]:
        if not data:
            return b"", b""
        packed = self._shrink(data)
        if packed is not None:
            return b"", packed
        if data[:1] == b"\0":
            return b"", bytes(data)
        return HEADER_UNCOMPRESSED, bytes(data)

    def _shrink(self, data: bytes) -> bytes | None:
        if self.engine == "none" or len(data) < _MIN_SIZE[self.engine]:
            return None
        if self.engine == "zlib":
            packed = self._zlib(data)
        else:
            packed = self._zstd_compress(data)
        return packed if len(packed) < len(data) else None

    def _zlib(self, data: bytes) -> bytes:
        level = -1 if self.level is None else self.level
        if len(data) <= _ONE_SHOT:
            return zlib.compress(data, level)
        obj = zlib.compressobj(level)
        parts = [obj.compress(data[i : i + (1 << 20)]) for i in range(0, len(data), 1 << 20)]
        parts.append(obj.flush())
        return b"".join(parts)

    def _zstd_compress(self, data: bytes) -> bytes:
        if len(data) <= _ONE_SHOT:
            return self._zstd.compress(data)
        obj = self._zstd.compressobj()
        step = zstandard.COMPRESSION_RECOMMENDED_INPUT_SIZE
        parts = [obj.compress(data[i : i + step]) for i in range(0, len(data), step)]
        parts.append(obj.flush())
        return b"".join(parts)
