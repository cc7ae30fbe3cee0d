#!/usr/bin/env python3
"""Writes tests/fuzz_corpus/zip/: small valid archives (valid_*, from Python's zipfile) and one
archive per reader check, each built byte by byte to trip it (the name says which; the C++
corpus test lists the rule or error each must produce). Every file is under 4 KB.
Run from the repository root: python3 tests/model/zip/make_fuzz_corpus.py
"""
import io
import os
import struct
import zipfile
import zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz_corpus", "zip")

PICKLE = b"\x80\x02}q\x00."  # protocol 2: EMPTY_DICT, STOP


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def entry(name, data=PICKLE, method=0, **tricks):
    """One entry; `tricks` override what a correct writer would write (see local(), central())."""
    e = {"name": name.encode() if isinstance(name, str) else name, "data": data, "method": method,
         "flags": 0, "crc": zlib.crc32(data), "usize": len(data), "zip64": False, "dd": False,
         "align": 0, "lextra": b"", "cextra": b""}
    e["payload"] = deflate(data) if method == 8 else data
    e.update(tricks)
    e.setdefault("csize", len(e["payload"]))
    return e


def zip64_extra(*values):
    return struct.pack("<HH", 1, 8 * len(values)) + b"".join(struct.pack("<Q", v) for v in values)


def local(e, at):
    name = e.get("lname", e["name"])
    dd, z64 = e["dd"], e["zip64"]
    flags = e.get("lflags", e["flags"] | (8 if dd else 0))
    csize = e.get("lcsize", e["csize"])
    extra = (zip64_extra(0 if dd else e["usize"], 0 if dd else csize) if z64 else b"") + e["lextra"]
    if e["align"]:
        pad = (e["align"] - (at + 30 + len(name) + len(extra) + 4) % e["align"]) % e["align"]
        extra += struct.pack("<HH", 0x4246, pad) + b"\0" * pad
    sizes = (0, 0) if dd else ((0xFFFFFFFF, 0xFFFFFFFF) if z64 else (csize, e["usize"]))
    out = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if z64 else 20, flags,
                      e.get("lmethod", e["method"]), 0, 0, 0 if dd else e.get("lcrc", e["crc"]),
                      sizes[0], sizes[1], len(name), len(extra)) + name + extra + e["payload"]
    if dd:
        out += struct.pack("<II", 0x08074B50, e.get("lcrc", e["crc"]))
        out += struct.pack("<QQ" if z64 else "<II", e["csize"], e["usize"])
    return out


def central(e, offset):
    offset = e.get("offset", offset)
    z64 = e["zip64"]
    extra = (zip64_extra(e["usize"], e["csize"], offset) if z64 else b"") + e["cextra"]
    big = 0xFFFFFFFF
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 45 if z64 else 20,
                       e["flags"] | (8 if e["dd"] else 0), e["method"], 0, 0, e["crc"],
                       big if z64 else e["csize"], big if z64 else e["usize"], len(e["name"]),
                       len(extra), 0, 0, 0, 0, big if z64 else offset) + e["name"] + extra


def archive(entries, prefix=b"", comment=b"", trailing=b"", zip64_end=False, count=None,
            comment_size=None, cd_shift=0):
    out = bytearray(prefix)
    offsets = []
    for e in entries:
        offsets.append(len(out))
        if "offset" not in e:
            out += local(e, len(out))
    cd_at = len(out)
    for e, at in zip(entries, offsets):
        out += central(e, at)
    cd_size = len(out) - cd_at
    n = len(entries) if count is None else count
    if zip64_end:
        record = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_size,
                           cd_at + cd_shift)
        out += struct.pack("<IIQI", 0x07064B50, 0, record, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF if zip64_end else n,
                       0xFFFF if zip64_end else n, 0xFFFFFFFF if zip64_end else cd_size,
                       0xFFFFFFFF if zip64_end else cd_at + cd_shift,
                       len(comment) if comment_size is None else comment_size)
    return bytes(out + comment + trailing)


def torch_entries():
    return [entry("archive/data.pkl", align=64, dd=True),
            entry("archive/byteorder", b"little", align=64, dd=True),
            entry("archive/data/0", bytes(range(64)), align=64, dd=True),
            entry("archive/version", b"3\n", align=64, dd=True),
            entry("archive/.data/serialization_id", b"0123456789" * 4, align=64, dd=True)]


def with_zipfile(members, compression):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def forged_eocd():
    real = archive([entry("a")])
    return archive([entry("a")], comment=b"xx" + real[-22:-2] + b"\0\0")


def eocd_gap():
    good = archive([entry("a")])
    return good[:-22] + b"........" + good[-22:]


def zip64_count_mismatch():
    data = bytearray(archive([entry("a")], zip64_end=True))
    data[-22 + 10:-22 + 12] = struct.pack("<H", 5)
    return bytes(data)


def no_second_signature():
    data = archive([entry("a"), entry("b")])
    second = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    return data[:second] + b"XX" + data[second + 2:]


def unclaimed():
    padded = entry("a", b"abcd", payload=b"abcd" + b"hidden pickle", csize=4)
    return archive([padded, entry("b")])


CORPUS = {
    "valid_zipfile_stored": with_zipfile([("archive/data.pkl", PICKLE), ("archive/version",
                                          b"3\n")], zipfile.ZIP_STORED),
    "valid_zipfile_deflated": with_zipfile([("a.txt", b"hello " * 100), ("empty", b"")],
                                           zipfile.ZIP_DEFLATED),
    "valid_torch_shaped": archive(torch_entries()),
    "valid_zip64": archive([entry("a", zip64=True), entry("b", b"x" * 300, 8, zip64=True,
                                                           dd=True)], zip64_end=True),
    "valid_empty": archive([]),
    "name_mismatch": archive([entry("archive/data.pkl", lname=b"archive/data.txt")]),
    "duplicate_entry": archive([entry("archive/data.pkl"), entry("archive/data.pkl", b"N.")]),
    "duplicate_entry_case": archive([entry("archive/data.pkl"), entry("ARCHIVE/Data.pkl")]),
    "path_escape_dotdot": archive([entry("../../.bashrc")]),
    "path_escape_absolute": archive([entry("/etc/passwd")]),
    "path_escape_backslash": archive([entry("..\\evil.pkl")]),
    "bad_name_nul": archive([entry(b"data.pkl\0.txt")]),
    "encrypted": archive([entry("archive/data.pkl", flags=1)]),
    "bad_crc": archive([entry("archive/data.pkl", crc=0x12345678)]),
    "bad_crc_local": archive([entry("archive/data.pkl", lcrc=0x12345678)]),
    "bad_crc_deflated": archive([entry("a", b"data" * 50, 8, crc=1)]),
    "unsupported_method": archive([entry("a", method=14)]),
    "header_mismatch_method": archive([entry("a", lmethod=8)]),
    "size_mismatch_stored": archive([entry("a", usize=100)]),
    "size_mismatch_local": archive([entry("a", lcsize=2)]),
    "size_mismatch_inflates_past": archive([entry("a", b"x" * 3000, 8, usize=10)]),
    "size_mismatch_ratio": archive([entry("a", b"x", 8, usize=1 << 40, zip64=True)]),
    "bad_deflate": archive([entry("a", b"abc", 8, payload=b"\xff" * 8)]),
    "bad_deflate_hidden_tail": archive([entry("a", b"abc", 8, payload=deflate(b"abc") + PICKLE)]),
    "data_descriptor_wrong": archive([entry("a", dd=True, lcrc=7)]),
    "overlapping_entries": archive([entry("a"), entry("b", offset=0)]),
    "prefix_data": archive([entry("a")], prefix=b"#!/bin/sh\necho polyglot\n"),
    "trailing_data": archive([entry("a")], trailing=b"\x80\x02N."),
    "unclaimed_data": unclaimed(),
    "entry_count_mismatch": archive([entry("a"), entry("b")], count=1),
    "multiple_eocd": forged_eocd(),
    "eocd_mismatch": zip64_count_mismatch(),
    "directory_offset_mismatch": eocd_gap(),
    "truncated_comment": archive([entry("a")], comment=b"abc", comment_size=100),
    "bad_extra_field": archive([entry("a", cextra=b"\x01\x02\x50\x00")]),
    "bad_extra_field_zip64_twice": archive([entry("a", zip64=True, cextra=zip64_extra(0, 0, 0))]),
    "bad_local_header": archive([entry("a", offset=3)]),
    "entry_out_of_bounds": archive([entry("a", csize=1 << 30, usize=1 << 30)]),
    "error_no_eocd": archive([entry("a")])[:-22],
    "error_directory_past_end": archive([entry("a")], cd_shift=1000),
    "error_zip64_locator_dangling": archive([entry("a")], zip64_end=True)[:40] + archive(
        [entry("a")], zip64_end=True)[-42:],
    "error_bad_directory_entry": no_second_signature(),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in CORPUS.items():
        assert len(data) < 4096, name
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(CORPUS), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
