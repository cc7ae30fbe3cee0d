// Entry contents: views for stored entries, capped inflation, incremental CRC-32.
#include "model/zip/zip_entry_contents.h"

#include <gtest/gtest.h>

#include <string>

#include "model/zip/zip_archive.h"
#include "model/zip/zip_inflate.h"
#include "model/zip/zip_test_writer.h"

namespace bastion::model {
namespace {

using testing::AsBytes;

TEST(Crc32Test, IncrementalEqualsWhole) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>(i * 31 + (i >> 7)));
  Crc32 whole;
  whole.Update(AsBytes(data));
  EXPECT_EQ(whole.value(), testing::Crc32Of(data));
  for (size_t piece : {1u, 7u, 4096u, 65537u}) {
    Crc32 parts;
    for (size_t at = 0; at < data.size(); at += piece) {
      parts.Update(AsBytes(std::string_view(data).substr(at, piece)));
    }
    EXPECT_EQ(parts.value(), whole.value()) << piece;
  }
  Crc32 empty;
  EXPECT_EQ(empty.value(), 0u);
  Crc32 known;
  known.Update(AsBytes("123456789"));
  EXPECT_EQ(known.value(), 0xCBF43926u);  // the CRC-32 check value
}

TEST(InflateRawTest, StopsAtTheLimitWithoutHoldingTheOutput) {
  std::string bomb = testing::Deflate(std::string(10 << 20, '\0'));
  ASSERT_LT(bomb.size(), 20000u);
  uint64_t seen = 0;
  size_t largest_piece = 0;
  auto made = InflateRaw(AsBytes(bomb), 1 << 20, [&](std::span<const uint8_t> piece) {
    seen += piece.size();
    largest_piece = std::max(largest_piece, piece.size());
  });
  EXPECT_EQ(made.status().code(), StatusCode::kResourceExhausted);
  EXPECT_LE(seen, 1u << 20);
  EXPECT_LE(largest_piece, 64u << 10);
  auto all = InflateRaw(AsBytes(bomb), 10 << 20, [](std::span<const uint8_t>) {});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(*all, 10u << 20);
}

TEST(InflateRawTest, RefusesTruncatedCorruptAndPaddedStreams) {
  std::string good = testing::Deflate("some text some text some text");
  auto sink = [](std::span<const uint8_t>) {};
  EXPECT_TRUE(InflateRaw(AsBytes(good), 100, sink).ok());
  EXPECT_FALSE(InflateRaw(AsBytes(good.substr(0, good.size() - 1)), 100, sink).ok());
  EXPECT_FALSE(InflateRaw(AsBytes(good + "x"), 100, sink).ok());
  EXPECT_FALSE(InflateRaw(AsBytes(std::string(8, '\xff')), 100, sink).ok());
  EXPECT_FALSE(InflateRaw(AsBytes(""), 100, sink).ok());
}

TEST(ReadEntryContentsTest, StoredIsAViewDeflatedIsOwned) {
  std::string bytes = testing::WriteZip(testing::SimpleArchive());
  auto a = testing::ReadTestZip(bytes);
  ASSERT_TRUE(a.ok());
  auto stored = ReadEntryContents(a->entries[0], 100);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->owned());
  EXPECT_EQ(stored->bytes().data(), a->entries[0].raw.data());
  auto deflated = ReadEntryContents(a->entries[1], 1 << 20);
  ASSERT_TRUE(deflated.ok());
  EXPECT_TRUE(deflated->owned());
  EXPECT_EQ(deflated->bytes().size(), 3004u);
  ZipEntryContents moved = std::move(*deflated);
  EXPECT_EQ(moved.bytes().size(), 3004u);
  EXPECT_EQ(ReadEntryContents(a->entries[1], 3003).status().code(), StatusCode::kResourceExhausted);
}

TEST(ReadEntryContentsTest, ADeflateBombIsRefusedBeforeItsMemoryIsSpent) {
  testing::ZipTestArchive spec;
  spec.entries.push_back({.name = "bomb", .data = std::string(8 << 20, 'a'), .method = 8});
  spec.entries[0].uncompressed_size = 4096;  // lies: the data inflates to 8 MiB
  std::string bytes = testing::WriteZip(spec);
  auto a = testing::ReadTestZip(bytes);
  ASSERT_TRUE(a.ok());
  EXPECT_NE(testing::FindRule(*a, "zip.size_mismatch"), nullptr);
  auto c = ReadEntryContents(a->entries[0], 1 << 30);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("inflates past the declared 4096"), std::string::npos)
      << c.status().message();
}

}  // namespace
}  // namespace bastion::model
