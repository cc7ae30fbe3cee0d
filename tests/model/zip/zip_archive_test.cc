// Reading well-formed archives: what each entry reports, torch.save's layout, ZIP64, deflate,
// and the helpers the scanner uses (LooksLikeZip, Find, VisitEntries, nested archives).
#include "model/zip/zip_archive.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "model/zip/zip_test_writer.h"

namespace bastion::model {
namespace {

using testing::AsBytes;
using testing::ReadTestZip;
using testing::Rules;
using testing::WriteZip;
using testing::ZipTestArchive;
using testing::ZipTestEntry;

std::map<std::string, std::string> Contents(const ZipArchive& a) {
  std::map<std::string, std::string> out;
  VisitEntries(a, 1 << 20, [&out](const ZipEntry& e, const Result<ZipEntryContents>& c) {
    ASSERT_TRUE(c.ok()) << e.name << ": " << c.status().message();
    auto bytes = c->bytes();
    out[e.name] = std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  });
  return out;
}

TEST(ZipArchiveTest, ReadsStoredAndDeflatedEntries) {
  std::string bytes = WriteZip(testing::SimpleArchive());
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->findings.empty()) << a->findings[0].rule << ": " << a->findings[0].detail;
  ASSERT_EQ(a->entries.size(), 2u);
  const ZipEntry& stored = a->entries[0];
  EXPECT_EQ(stored.name, "a.txt");
  EXPECT_EQ(stored.local_name, "a.txt");
  EXPECT_TRUE(stored.stored());
  EXPECT_TRUE(stored.readable);
  EXPECT_EQ(stored.local_header_offset, 0u);
  EXPECT_EQ(stored.data_offset, 30u + 5u);
  EXPECT_EQ(stored.raw.data(), AsBytes(bytes).data() + 35);  // a view, no copy
  const ZipEntry& deflated = a->entries[1];
  EXPECT_EQ(deflated.method, 8);
  EXPECT_EQ(deflated.uncompressed_size, 3004u);
  EXPECT_LT(deflated.compressed_size, 100u);
  auto contents = Contents(*a);
  EXPECT_EQ(contents["a.txt"], "hello, zip");
  EXPECT_EQ(contents["dir/b.txt"], std::string(3000, 'b') + "tail");
}

TEST(ZipArchiveTest, TorchSaveLayoutHasOnlyInfoFindings) {
  std::string bytes = WriteZip(testing::TorchSaveShaped());
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(Rules(*a).empty()) << Rules(*a)[0];
  EXPECT_FALSE(AnyUnsafe(a->findings));
  ASSERT_EQ(a->entries.size(), 5u);
  for (const ZipEntry& e : a->entries) {
    EXPECT_EQ(e.data_offset % 64, 0u) << e.name;
    EXPECT_EQ(e.descriptor_size, 16u) << e.name;
  }
  EXPECT_EQ(a->findings.size(), 5u);  // one info finding per data descriptor
  auto contents = Contents(*a);
  EXPECT_EQ(contents["archive/version"], "3\n");
  EXPECT_EQ(contents["archive/byteorder"], "little");
  ASSERT_NE(a->Find("archive/data.pkl"), nullptr);
  EXPECT_EQ(a->Find("archive/data.pkl")->uncompressed_size, 6u);
  EXPECT_EQ(a->Find("archive/missing"), nullptr);
}

TEST(ZipArchiveTest, Zip64RecordsAndExtraFields) {
  ZipTestArchive spec = testing::SimpleArchive();
  for (ZipTestEntry& e : spec.entries) e.zip64 = true;
  spec.entries[0].data_descriptor = true;
  spec.zip64_end = true;
  std::string bytes = WriteZip(spec);
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->zip64);
  EXPECT_TRUE(Rules(*a).empty()) << Rules(*a)[0] << ": " << a->findings[0].detail;
  ASSERT_EQ(a->entries.size(), 2u);
  EXPECT_EQ(a->entries[0].compressed_size, 10u);
  EXPECT_EQ(a->entries[0].descriptor_size, 24u);
  EXPECT_EQ(a->entries[1].uncompressed_size, 3004u);
  EXPECT_EQ(Contents(*a)["dir/b.txt"].size(), 3004u);
}

TEST(ZipArchiveTest, EmptyArchiveAndComment) {
  ZipTestArchive spec;
  spec.comment = "made by a test";
  std::string bytes = WriteZip(spec);
  ASSERT_EQ(bytes.size(), 22u + spec.comment.size());
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->entries.empty());
  EXPECT_TRUE(a->findings.empty());
  EXPECT_EQ(a->comment, "made by a test");
}

TEST(ZipArchiveTest, LooksLikeZip) {
  std::string zip = WriteZip(testing::SimpleArchive());
  EXPECT_TRUE(LooksLikeZip(AsBytes(zip)));
  EXPECT_TRUE(LooksLikeZip(AsBytes("#!/bin/sh\nexit 0\n" + zip)));  // a polyglot
  EXPECT_TRUE(LooksLikeZip(AsBytes(WriteZip({}))));
  EXPECT_FALSE(LooksLikeZip(AsBytes("")));
  EXPECT_FALSE(LooksLikeZip(AsBytes("PK")));
  EXPECT_FALSE(LooksLikeZip(AsBytes(std::string("\x80\x02}q\x00.", 6))));
  EXPECT_FALSE(LooksLikeZip(AsBytes(std::string(100000, 'x') + zip.substr(0, zip.size() - 30))));
}

TEST(ZipArchiveTest, NestedArchiveReadsFromTheOuterEntry) {
  std::string inner = WriteZip(testing::TorchSaveShaped());
  ZipTestArchive outer;
  outer.entries.push_back({.name = "model.pt", .data = inner, .method = 8});
  std::string bytes = WriteZip(outer);
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->findings.empty());
  auto contents = ReadEntryContents(a->entries[0], 1 << 20);
  ASSERT_TRUE(contents.ok()) << contents.status().message();
  EXPECT_TRUE(contents->owned());
  ASSERT_TRUE(LooksLikeZip(contents->bytes()));
  auto nested = ReadZip(contents->bytes());
  ASSERT_TRUE(nested.ok()) << nested.status().message();
  EXPECT_EQ(nested->entries.size(), 5u);
  EXPECT_FALSE(AnyUnsafe(nested->findings));
}

TEST(ZipArchiveTest, AStoredZipAsTheLastEntryIsNotASecondEndRecord) {
  // The inner archive's end record lies within 64 KiB of the outer end, but its comment does
  // not reach the end of the file: nothing ambiguous.
  ZipTestArchive outer;
  outer.entries.push_back({.name = "inner.zip", .data = WriteZip(testing::SimpleArchive())});
  std::string bytes = WriteZip(outer);
  auto a = ReadTestZip(bytes);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->findings.empty()) << a->findings[0].rule;
  EXPECT_EQ(a->entries.size(), 1u);
}

TEST(ZipArchiveTest, UnreadableArchivesAreErrors) {
  EXPECT_FALSE(ReadZip(AsBytes("")).ok());
  EXPECT_FALSE(ReadZip(AsBytes("PK\3\4 not really")).ok());
  std::string bytes = WriteZip(testing::SimpleArchive());
  ZipTestArchive shifted = testing::SimpleArchive();
  shifted.directory_offset_shift = 1000;
  std::string past_end = WriteZip(shifted);
  auto a = ReadTestZip(past_end);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("does not fit"), std::string::npos) << a.status().message();
}

}  // namespace
}  // namespace bastion::model
