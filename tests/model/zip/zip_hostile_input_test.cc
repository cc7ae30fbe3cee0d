// No input crashes the reader or makes it read out of bounds (run under ASan): every prefix
// of small archives in each form, and every single-byte change to them. Whatever reads
// succeed, every entry's contents are then read with a small cap.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/zip/zip_archive.h"
#include "model/zip/zip_test_writer.h"

namespace bastion::model {
namespace {

using testing::WriteZip;
using testing::ZipTestArchive;

std::vector<std::string> SmallArchives() {
  std::vector<std::string> out;
  out.push_back(WriteZip(testing::SimpleArchive()));
  ZipTestArchive torch = testing::TorchSaveShaped();
  torch.entries.resize(3);
  out.push_back(WriteZip(torch));
  ZipTestArchive zip64 = testing::SimpleArchive();
  for (auto& e : zip64.entries) e.zip64 = true;
  zip64.entries[1].data_descriptor = true;
  zip64.zip64_end = true;
  zip64.comment = "c";
  out.push_back(WriteZip(zip64));
  return out;
}

// Reads `bytes` as a scanner would; returns whether the archive could be listed.
bool Exercise(const std::string& bytes) {
  auto span = testing::AsBytes(bytes);
  (void)LooksLikeZip(span);
  auto a = ReadZip(span, {.max_inflate = 1 << 16});
  if (!a.ok()) return false;
  uint64_t sum = 0;
  VisitEntries(*a, 1 << 16, [&sum](const ZipEntry& e, const Result<ZipEntryContents>& c) {
    sum += e.name.size() + e.raw.size();
    if (c.ok()) {
      for (uint8_t b : c->bytes()) sum += b;
    }
  });
  for (const Finding& f : a->findings) sum += f.detail.size();
  return sum != 0 || a->entries.empty();
}

TEST(ZipHostileInputTest, EveryPrefixIsReadOrRefused) {
  for (const std::string& full : SmallArchives()) {
    for (size_t n = 0; n < full.size(); ++n) Exercise(full.substr(0, n));
    EXPECT_TRUE(Exercise(full));
  }
}

TEST(ZipHostileInputTest, EverySingleByteChangeIsReadOrRefused) {
  size_t listed = 0;
  for (const std::string& full : SmallArchives()) {
    for (size_t i = 0; i < full.size(); ++i) {
      for (uint8_t v : {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF}) {
        std::string changed = full;
        changed[i] = static_cast<char>(v ^ (v == 0x01 ? static_cast<uint8_t>(full[i]) : 0));
        listed += Exercise(changed);
      }
    }
  }
  EXPECT_GT(listed, 0u);
}

TEST(ZipHostileInputTest, ChangedBytesInsideEntriesAreCaught) {
  // A change to an entry's data that keeps the archive listable must show up as a high
  // finding: a scanner never sees contents other than what the central directory vouches for.
  std::string full = WriteZip(testing::SimpleArchive());
  auto clean = ReadZip(testing::AsBytes(full));
  ASSERT_TRUE(clean.ok());
  for (const ZipEntry& e : clean->entries) {
    for (uint64_t i = e.data_offset; i < e.data_offset + e.compressed_size; ++i) {
      std::string changed = full;
      changed[i] = static_cast<char>(changed[i] ^ 0x20);
      auto a = ReadZip(testing::AsBytes(changed));
      ASSERT_TRUE(a.ok());
      EXPECT_TRUE(AnyUnsafe(a->findings)) << e.name << " byte " << i;
    }
  }
}

}  // namespace
}  // namespace bastion::model
