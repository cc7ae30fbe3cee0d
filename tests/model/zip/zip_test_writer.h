#pragma once
// A ZIP writer for tests that can write both normal archives and every trick the reader must
// catch, byte by byte: names, methods, flags, CRCs and sizes that differ between the local
// header and the central directory, ZIP64 forms, data descriptors, torch.save's alignment
// padding, entries that share bytes, junk before and after, a forged end record in the
// comment. Every override defaults to the value a correct writer would use.

#include <zlib.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/zip/zip_archive.h"

namespace bastion::model::testing {

struct ZipTestEntry {
  std::string name;
  std::string data;     // uncompressed contents
  uint16_t method = 0;  // 0 stored; 8 deflate (the writer compresses `data`)
  uint16_t flags = 0;
  bool zip64 = false;            // 0xFFFFFFFF sizes (and offset) with ZIP64 extra fields
  bool data_descriptor = false;  // flag bit 3, zero local CRC and sizes, a descriptor after
  bool descriptor_signature = true;
  uint64_t align = 0;         // pad the local extra field so the data starts at a multiple (torch)
  std::string local_extra;    // more extra field bytes in the local header
  std::string central_extra;  // ... and in the central header
  // Tricks: each replaces what a correct writer would write.
  std::optional<std::string> local_name;
  std::optional<uint16_t> local_method;
  std::optional<uint16_t> local_flags;
  std::optional<uint32_t> crc;  // both headers
  std::optional<uint32_t> local_crc;
  std::optional<uint64_t> compressed_size;  // central (and local unless overridden)
  std::optional<uint64_t> uncompressed_size;
  std::optional<uint64_t> local_compressed_size;
  std::optional<std::string> payload;  // the bytes after the local header, instead of `data`
  // Point the central header at this offset instead of writing a local header and data.
  std::optional<uint64_t> local_header_offset;
};

struct ZipTestArchive {
  std::string prefix;  // before the first local header; offsets count it, as SFX archives do
  std::vector<ZipTestEntry> entries;
  std::string comment;
  std::string trailing;    // after the comment
  bool zip64_end = false;  // a ZIP64 end record and locator, sentinels in the end record
  std::optional<uint64_t> declared_count;  // the end record's (and ZIP64 record's) count
  std::optional<uint16_t> declared_comment_size;
  std::optional<uint64_t> directory_offset_shift;  // added to the declared directory offset
};

// `bytes` little-endian bytes of `v` (zeros past its eighth byte).
inline void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>(i < 8 ? (v >> (8 * i)) & 0xFF : 0));
}

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline uint32_t Crc32Of(std::string_view s) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

// Raw deflate (no zlib header), as in ZIP.
inline std::string Deflate(std::string_view s, int level = 9) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(s.size())) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string ExtraRecord(uint16_t id, std::string_view body) {
  std::string out;
  PutLe(out, id, 2);
  PutLe(out, body.size(), 2);
  return out.append(body);
}

namespace zip_writer_internal {

struct Written {
  uint64_t offset;
  std::string stored_bytes;  // what follows the local header
  uint32_t crc;
  uint64_t compressed;
  uint64_t uncompressed;
};

inline std::string Zip64Extra(const std::vector<uint64_t>& values) {
  std::string body;
  for (uint64_t v : values) PutLe(body, v, 8);
  return ExtraRecord(1, body);
}

inline Written LocalPart(const ZipTestEntry& e, std::string& out) {
  Written w{out.size(), e.payload.value_or(e.method == 8 ? Deflate(e.data) : e.data),
            e.crc.value_or(Crc32Of(e.data)), 0, e.uncompressed_size.value_or(e.data.size())};
  w.compressed = e.compressed_size.value_or(w.stored_bytes.size());
  if (e.local_header_offset) return w;
  std::string name = e.local_name.value_or(e.name);
  uint16_t flags = e.local_flags.value_or(e.flags | (e.data_descriptor ? 8 : 0));
  bool dd = e.data_descriptor;
  uint64_t local_compressed = e.local_compressed_size.value_or(w.compressed);
  std::string extra = e.local_extra;
  if (e.zip64) extra = Zip64Extra({dd ? 0 : w.uncompressed, dd ? 0 : local_compressed}) + extra;
  if (e.align != 0) {
    uint64_t at = out.size() + 30 + name.size() + extra.size() + 4;
    extra += ExtraRecord(0x4246, std::string((e.align - at % e.align) % e.align, '\0'));
  }
  PutLe(out, 0x04034b50, 4);
  PutLe(out, e.zip64 ? 45 : 20, 2);
  PutLe(out, flags, 2);
  PutLe(out, e.local_method.value_or(e.method), 2);
  PutLe(out, 0, 4);  // time, date
  PutLe(out, dd ? 0 : e.local_crc.value_or(w.crc), 4);
  PutLe(out, dd ? 0 : (e.zip64 ? 0xFFFFFFFF : local_compressed), 4);
  PutLe(out, dd ? 0 : (e.zip64 ? 0xFFFFFFFF : w.uncompressed), 4);
  PutLe(out, name.size(), 2);
  PutLe(out, extra.size(), 2);
  out += name + extra + w.stored_bytes;
  if (dd) {
    if (e.descriptor_signature) PutLe(out, 0x08074b50, 4);
    PutLe(out, e.local_crc.value_or(w.crc), 4);
    PutLe(out, w.compressed, e.zip64 ? 8 : 4);
    PutLe(out, w.uncompressed, e.zip64 ? 8 : 4);
  }
  return w;
}

inline void CentralPart(const ZipTestEntry& e, const Written& w, std::string& out) {
  uint64_t offset = e.local_header_offset.value_or(w.offset);
  std::string extra = e.zip64 ? Zip64Extra({w.uncompressed, w.compressed, offset}) : "";
  extra += e.central_extra;
  PutLe(out, 0x02014b50, 4);
  PutLe(out, 0x031E, 2);  // made by: Unix, 3.0
  PutLe(out, e.zip64 ? 45 : 20, 2);
  PutLe(out, e.flags | (e.data_descriptor ? 8 : 0), 2);
  PutLe(out, e.method, 2);
  PutLe(out, 0, 4);
  PutLe(out, w.crc, 4);
  PutLe(out, e.zip64 ? 0xFFFFFFFF : w.compressed, 4);
  PutLe(out, e.zip64 ? 0xFFFFFFFF : w.uncompressed, 4);
  PutLe(out, e.name.size(), 2);
  PutLe(out, extra.size(), 2);
  PutLe(out, 0, 2 + 2 + 2 + 4);  // comment size, disk, internal and external attributes
  PutLe(out, e.zip64 ? 0xFFFFFFFF : offset, 4);
  out += e.name + extra;
}

inline void EndRecords(const ZipTestArchive& a, uint64_t cd_offset, uint64_t cd_size,
                       std::string& out) {
  uint64_t count = a.declared_count.value_or(a.entries.size());
  uint64_t declared_offset = cd_offset + a.directory_offset_shift.value_or(0);
  if (a.zip64_end) {
    uint64_t record = out.size();
    PutLe(out, 0x06064b50, 4);
    PutLe(out, 44, 8);
    PutLe(out, 45, 2);
    PutLe(out, 45, 2);
    PutLe(out, 0, 8);  // disks
    PutLe(out, count, 8);
    PutLe(out, count, 8);
    PutLe(out, cd_size, 8);
    PutLe(out, declared_offset, 8);
    PutLe(out, 0x07064b50, 4);
    PutLe(out, 0, 4);
    PutLe(out, record, 8);
    PutLe(out, 1, 4);
  }
  PutLe(out, 0x06054b50, 4);
  PutLe(out, 0, 4);
  PutLe(out, a.zip64_end ? 0xFFFF : count, 2);
  PutLe(out, a.zip64_end ? 0xFFFF : count, 2);
  PutLe(out, a.zip64_end ? 0xFFFFFFFF : cd_size, 4);
  PutLe(out, a.zip64_end ? 0xFFFFFFFF : declared_offset, 4);
  PutLe(out, a.declared_comment_size.value_or(a.comment.size()), 2);
  out += a.comment;
}

}  // namespace zip_writer_internal

inline std::string WriteZip(const ZipTestArchive& a) {
  using namespace zip_writer_internal;
  std::string out = a.prefix;
  std::vector<Written> written;
  for (const ZipTestEntry& e : a.entries) written.push_back(LocalPart(e, out));
  uint64_t cd_offset = out.size();
  for (size_t i = 0; i < a.entries.size(); ++i) CentralPart(a.entries[i], written[i], out);
  EndRecords(a, cd_offset, out.size() - cd_offset, out);
  return out + a.trailing;
}

// What torch.save writes (PyTorch 2.x through miniz): stored entries under "archive/", data
// aligned to 64 bytes with "FB" padding records, a data descriptor after each entry.
inline ZipTestArchive TorchSaveShaped() {
  // A protocol-2 pickle of an empty dict: PROTO 2, EMPTY_DICT, STOP.
  std::string pickle("\x80\x02}q\x00.", 6);
  std::string tensor(64, '\0');
  for (size_t i = 0; i < tensor.size(); ++i) tensor[i] = static_cast<char>(i * 7);
  ZipTestArchive a;
  for (auto [name, data] : std::vector<std::pair<std::string, std::string>>{
           {"archive/data.pkl", pickle},
           {"archive/byteorder", "little"},
           {"archive/data/0", tensor},
           {"archive/version", "3\n"},
           {"archive/.data/serialization_id", "1234567890123456789012345678901234567890"}}) {
    ZipTestEntry e;
    e.name = name;
    e.data = data;
    e.align = 64;
    e.data_descriptor = true;
    a.entries.push_back(e);
  }
  return a;
}

// One stored and one deflated entry, nothing odd.
inline ZipTestArchive SimpleArchive() {
  ZipTestArchive a;
  a.entries.push_back({.name = "a.txt", .data = "hello, zip"});
  a.entries.push_back({.name = "dir/b.txt", .data = std::string(3000, 'b') + "tail", .method = 8});
  return a;
}

// Reads bytes the test owns. REQUIRES: `bytes` outlives the archive; hence no temporaries.
inline Result<ZipArchive> ReadTestZip(const std::string& bytes,
                                      const ZipReadOptions& options = {}) {
  return ReadZip(AsBytes(bytes), options);
}
Result<ZipArchive> ReadTestZip(std::string&& bytes, const ZipReadOptions& options = {}) = delete;

// The rules of the findings at or above `min`, in order.
inline std::vector<std::string> Rules(const ZipArchive& a, Severity min = Severity::kLow) {
  std::vector<std::string> out;
  for (const Finding& f : a.findings) {
    if (f.severity >= min) out.push_back(f.rule);
  }
  return out;
}

inline const Finding* FindRule(const ZipArchive& a, std::string_view rule) {
  for (const Finding& f : a.findings) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

}  // namespace bastion::model::testing
