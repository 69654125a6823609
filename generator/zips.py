"""Deterministic zip archives whose members are compressed once, however many archives hold them.

The catalogue offers each package as a zip and every package in one zip: the recorded-crime
CSV (megabytes) would otherwise be deflated twice per build. Written to the zip specification
(PKWARE APPNOTE 6.3): no extra fields, no zip64 (each member and archive is under 4 GB).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

DOS_DATE = (1 << 5) | 1  # 1980-01-01, 00:00: fixed, so the same data gives byte-identical archives
UNIX_644 = 0o100644 << 16  # a regular file, rw-r--r--
LIMIT = 0xFFFFFFFF


@dataclass(frozen=True)
class Member:
    crc: int
    size: int
    data: bytes  # raw deflate


def member(content: bytes) -> Member:
    if len(content) >= LIMIT:
        raise ValueError("a zip member of 4 GB or more needs zip64")
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(zlib.crc32(content), len(content), packer.compress(content) + packer.flush())


def archive(members: dict[str, Member]) -> bytes:
    """A zip of the members in name order."""
    out, central = bytearray(), bytearray()
    for name in sorted(members):
        m, raw = members[name], name.encode("utf-8")
        flags = 0 if raw.isascii() else 0x800  # bit 11: the name is UTF-8
        fields = (20, flags, 8, 0, DOS_DATE, m.crc, len(m.data), m.size, len(raw), 0)
        central += struct.pack("<IH", 0x02014B50, 0x0314) + struct.pack("<5H3I2H", *fields)
        central += struct.pack("<3H2I", 0, 0, 0, UNIX_644, len(out)) + raw
        out += struct.pack("<I", 0x04034B50) + struct.pack("<5H3I2H", *fields) + raw + m.data
    if len(out) + len(central) >= LIMIT:
        raise ValueError("a zip of 4 GB or more needs zip64")
    end = struct.pack("<I4H2IH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)
