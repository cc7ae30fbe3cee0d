// Each trick that made scanners and loaders see different archives (picklescan's 2025
// bypasses among them) yields its finding at the severity the reader documents.
#include <gtest/gtest.h>

#include <string>

#include "model/zip/zip_archive.h"
#include "model/zip/zip_test_writer.h"

namespace bastion::model {
namespace {

using testing::FindRule;
using testing::ReadTestZip;
using testing::Rules;
using testing::WriteZip;
using testing::ZipTestArchive;
using testing::ZipTestEntry;

ZipTestArchive OneEntry(ZipTestEntry e) {
  ZipTestArchive a;
  a.entries.push_back(std::move(e));
  return a;
}

ZipTestEntry Pickle(std::string name = "archive/data.pkl") {
  return {.name = std::move(name), .data = "\x80\x02N."};
}

// Reads `spec` and expects a finding `rule` of `severity`.
void ExpectFinding(const ZipTestArchive& spec, const std::string& rule, Severity severity) {
  std::string bytes = WriteZip(spec);
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << rule << ": " << a.status().message();
  const Finding* f = FindRule(*a, rule);
  ASSERT_NE(f, nullptr) << "no " << rule << "; got " << ::testing::PrintToString(Rules(*a));
  EXPECT_EQ(f->severity, severity) << rule << ": " << f->detail;
}

TEST(ZipTricksTest, LocalNameDiffersFromCentralName) {
  ZipTestEntry e = Pickle();
  e.local_name = "archive/data.txt";
  ExpectFinding(OneEntry(e), "zip.name_mismatch", Severity::kHigh);
}

TEST(ZipTricksTest, DuplicateNames) {
  ZipTestArchive a = OneEntry(Pickle());
  a.entries.push_back(Pickle());
  ExpectFinding(a, "zip.duplicate_entry", Severity::kHigh);
  ZipTestArchive folded = OneEntry(Pickle());
  folded.entries.push_back(Pickle("ARCHIVE/./data.PKL"));
  ExpectFinding(folded, "zip.duplicate_entry", Severity::kHigh);
}

TEST(ZipTricksTest, NamesThatEscapeTheFolder) {
  for (const char* name : {"../evil.pkl", "/etc/cron.d/x", "a/../../b", "a\\b", "C:x", ".."}) {
    ExpectFinding(OneEntry(Pickle(name)), "zip.path_escape", Severity::kHigh);
  }
  ExpectFinding(OneEntry(Pickle(std::string("data.pkl\0.txt", 13))), "zip.bad_name",
                Severity::kHigh);
  ExpectFinding(OneEntry(Pickle("")), "zip.bad_name", Severity::kMedium);
  std::string ok = WriteZip(OneEntry(Pickle("a/..b/c..d/.x")));
  EXPECT_TRUE(ReadTestZip(ok)->findings.empty());
}

TEST(ZipTricksTest, FindingsShowHostileNamesAsOnePrintableLine) {
  ZipTestArchive a = OneEntry(Pickle("../\x1b[2J\nfake: all clean\r"));
  std::string bytes = WriteZip(a);
  auto r = ReadTestZip(bytes);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->findings.empty());
  for (const Finding& f : r->findings) {
    for (char c : f.detail) EXPECT_TRUE(c >= 0x20 && c < 0x7F) << f.detail;
  }
  EXPECT_NE(r->findings[0].detail.find("\\x1b[2J\\x0afake"), std::string::npos)
      << r->findings[0].detail;
}

TEST(ZipTricksTest, EncryptedEntryCannotBeRead) {
  ZipTestEntry e = Pickle();
  e.flags = 1;
  std::string bytes = WriteZip(OneEntry(e));
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(Rules(*a), std::vector<std::string>{"zip.encrypted"});
  EXPECT_FALSE(a->entries[0].readable);
  EXPECT_EQ(ReadEntryContents(a->entries[0], 100).status().code(), StatusCode::kFailedPrecondition);
}

TEST(ZipTricksTest, BadCrcs) {
  ZipTestEntry both = Pickle();
  both.crc = 0x12345678;
  ExpectFinding(OneEntry(both), "zip.bad_crc", Severity::kHigh);
  ZipTestEntry local = Pickle();
  local.local_crc = 0x12345678;
  ExpectFinding(OneEntry(local), "zip.bad_crc", Severity::kHigh);
  ZipTestEntry deflated = Pickle();
  deflated.method = 8;
  deflated.crc = 0;
  ExpectFinding(OneEntry(deflated), "zip.bad_crc", Severity::kHigh);
  std::string bytes = WriteZip(OneEntry(both));
  auto a = ReadTestZip(bytes);
  auto c = ReadEntryContents(a->entries[0], 100);
  EXPECT_FALSE(c.ok());
}

TEST(ZipTricksTest, UnsupportedMethod) {
  ZipTestEntry e = Pickle();
  e.method = 14;  // LZMA
  ExpectFinding(OneEntry(e), "zip.unsupported_method", Severity::kHigh);
  ZipTestEntry local_only = Pickle();
  local_only.local_method = 8;
  ExpectFinding(OneEntry(local_only), "zip.header_mismatch", Severity::kHigh);
  ZipTestEntry flags = Pickle();
  flags.local_flags = 1;
  ExpectFinding(OneEntry(flags), "zip.header_mismatch", Severity::kHigh);
}

TEST(ZipTricksTest, SizeMismatches) {
  ZipTestEntry stored = Pickle();
  stored.uncompressed_size = 100;  // stored, but sizes differ
  ExpectFinding(OneEntry(stored), "zip.size_mismatch", Severity::kHigh);
  ZipTestEntry local = Pickle();
  local.local_compressed_size = 2;
  ExpectFinding(OneEntry(local), "zip.size_mismatch", Severity::kHigh);
  ZipTestEntry bomb = {.name = "bomb", .data = std::string(10000, 'x'), .method = 8};
  bomb.uncompressed_size = 100;  // inflates past the declared size
  ExpectFinding(OneEntry(bomb), "zip.size_mismatch", Severity::kHigh);
  ZipTestEntry impossible = {.name = "ratio", .data = "x", .method = 8};
  impossible.uncompressed_size = uint64_t{1} << 40;
  impossible.zip64 = true;
  ExpectFinding(OneEntry(impossible), "zip.size_mismatch", Severity::kHigh);
  ZipTestEntry short_data = {.name = "short", .data = std::string(500, 'y'), .method = 8};
  short_data.uncompressed_size = 600;
  ExpectFinding(OneEntry(short_data), "zip.size_mismatch", Severity::kHigh);
}

TEST(ZipTricksTest, CorruptOrPaddedDeflateStream) {
  ZipTestEntry garbage = {.name = "g", .data = "abc", .method = 8};
  garbage.payload = std::string("\xff\xff\xff\xff", 4);
  ExpectFinding(OneEntry(garbage), "zip.bad_deflate", Severity::kHigh);
  ZipTestEntry hidden = {.name = "h", .data = "abc", .method = 8};
  hidden.payload = testing::Deflate("abc") + "hidden pickle";
  ExpectFinding(OneEntry(hidden), "zip.bad_deflate", Severity::kHigh);
  ZipTestEntry truncated = {.name = "t", .data = std::string(5000, 'q') + "end", .method = 8};
  truncated.payload = testing::Deflate(truncated.data, 0).substr(0, 100);
  ExpectFinding(OneEntry(truncated), "zip.bad_deflate", Severity::kHigh);
}

TEST(ZipTricksTest, TooLargeToInflateIsNotInspected) {
  ZipTestEntry e = {.name = "big", .data = std::string(1 << 16, 'z'), .method = 8};
  std::string bytes = WriteZip(OneEntry(e));
  auto a = ReadTestZip(bytes, {.max_inflate = 1000});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(Rules(*a), std::vector<std::string>{"zip.too_large"});
  EXPECT_EQ(ReadEntryContents(a->entries[0], 1000).status().code(), StatusCode::kResourceExhausted);
}

TEST(ZipTricksTest, DataDescriptors) {
  ZipTestEntry good = Pickle();
  good.data_descriptor = true;
  ExpectFinding(OneEntry(good), "zip.data_descriptor", Severity::kInfo);
  good.descriptor_signature = false;
  ExpectFinding(OneEntry(good), "zip.data_descriptor", Severity::kInfo);
  ZipTestEntry wrong = Pickle();
  wrong.data_descriptor = true;
  wrong.local_crc = 7;  // only the descriptor carries it
  ExpectFinding(OneEntry(wrong), "zip.data_descriptor", Severity::kMedium);
}

TEST(ZipTricksTest, OverlappingEntries) {
  ZipTestArchive a = OneEntry(Pickle());
  ZipTestEntry alias = Pickle("archive/other.pkl");
  alias.local_header_offset = 0;
  a.entries.push_back(alias);
  ExpectFinding(a, "zip.overlapping_entries", Severity::kHigh);
}

TEST(ZipTricksTest, PrefixTrailingAndUnclaimedBytes) {
  ZipTestArchive prefix = OneEntry(Pickle());
  prefix.prefix = "GIF89a polyglot";
  ExpectFinding(prefix, "zip.prefix_data", Severity::kMedium);
  ZipTestArchive trailing = OneEntry(Pickle());
  trailing.trailing = "junk after the end";
  ExpectFinding(trailing, "zip.trailing_data", Severity::kMedium);
  // Bytes after the declared data of the first entry, before the second: no reader's
  // business, except a tool that looks for pickles anywhere in the file.
  ZipTestEntry padded = {.name = "a", .data = "abcd"};
  padded.payload = "abcd" + std::string("hidden pickle bytes");
  padded.compressed_size = 4;
  ZipTestArchive gap = OneEntry(padded);
  gap.entries.push_back(Pickle());
  ExpectFinding(gap, "zip.unclaimed_data", Severity::kMedium);
}

TEST(ZipTricksTest, EntryCountDisagreesWithDirectory) {
  ZipTestArchive a = OneEntry(Pickle());
  a.entries.push_back(Pickle("archive/second"));
  a.declared_count = 1;
  ExpectFinding(a, "zip.entry_count_mismatch", Severity::kHigh);
}

TEST(ZipTricksTest, ForgedEndRecordInTheComment) {
  // The comment holds a complete second end record: readers take the last signature, which
  // points at the real directory but declares a comment that runs to the end as well.
  ZipTestArchive inner = OneEntry(Pickle());
  std::string real = WriteZip(inner);
  std::string forged_end = real.substr(real.size() - 22, 20);
  ZipTestArchive a = inner;
  a.comment = "xx" + forged_end + std::string(2, '\0');
  ExpectFinding(a, "zip.multiple_eocd", Severity::kHigh);
}

TEST(ZipTricksTest, Zip64RecordDisagreesWithEndRecord) {
  ZipTestArchive a = OneEntry(Pickle());
  a.zip64_end = true;
  std::string bytes = WriteZip(a);
  // The end record's count field (offset 10 from its start) gets a concrete, wrong value.
  bytes[bytes.size() - 22 + 10] = 5;
  bytes[bytes.size() - 22 + 11] = 0;
  auto r = ReadTestZip(bytes);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_NE(FindRule(*r, "zip.eocd_mismatch"), nullptr);
}

TEST(ZipTricksTest, DirectoryNotRightBeforeTheEndRecord) {
  ZipTestArchive a = OneEntry(Pickle());
  a.trailing = "";
  std::string bytes = WriteZip(a);
  // Insert 8 bytes between the central directory and the end record.
  bytes.insert(bytes.size() - 22, "........");
  auto r = ReadTestZip(bytes);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_NE(FindRule(*r, "zip.directory_offset_mismatch"), nullptr);
  EXPECT_EQ(FindRule(*r, "zip.directory_offset_mismatch")->severity, Severity::kHigh);
}

TEST(ZipTricksTest, MalformedExtraFields) {
  ZipTestEntry e = Pickle();
  e.central_extra = std::string("\x01\x02\x50\x00", 4);  // claims 80 bytes, has none
  ExpectFinding(OneEntry(e), "zip.bad_extra_field", Severity::kHigh);
  ZipTestEntry twice = Pickle();
  twice.zip64 = true;
  twice.central_extra = testing::ExtraRecord(1, std::string(24, '\0'));
  ExpectFinding(OneEntry(twice), "zip.bad_extra_field", Severity::kHigh);
}

TEST(ZipTricksTest, LocalHeaderMissingOrOutOfBounds) {
  ZipTestEntry e = Pickle();
  e.local_header_offset = 3;
  ExpectFinding(OneEntry(e), "zip.bad_local_header", Severity::kHigh);
  ZipTestEntry past = Pickle();
  past.local_header_offset = 1u << 30;
  ExpectFinding(OneEntry(past), "zip.bad_local_header", Severity::kHigh);
  ZipTestEntry big = Pickle();
  big.compressed_size = 1u << 30;
  big.uncompressed_size = 1u << 30;
  ExpectFinding(OneEntry(big), "zip.entry_out_of_bounds", Severity::kHigh);
}

TEST(ZipTricksTest, TooManyEntries) {
  ZipTestArchive a;
  for (int i = 0; i < 5; ++i) a.entries.push_back(Pickle("e" + std::to_string(i)));
  std::string bytes = WriteZip(a);
  auto r = ReadTestZip(bytes, {.max_entries = 3});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries.size(), 3u);
  ASSERT_NE(FindRule(*r, "zip.too_many_entries"), nullptr);
  EXPECT_TRUE(AnyUnsafe(r->findings));
}

}  // namespace
}  // namespace bastion::model
