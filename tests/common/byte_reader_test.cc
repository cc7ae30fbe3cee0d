// ByteReader: little-endian reads, and every length checked against what is left.
#include "common/byte_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace bastion {
namespace {

using std::string_literals::operator""s;

TEST(ByteReaderTest, ReadsLittleEndianValuesOfEveryWidth) {
  std::string bytes =
      "\x01"                                // u8 1
      "\x02\x01"                            // u16 0x0102
      "\x04\x03\x02\x01"                    // u32 0x01020304
      "\x08\x07\x06\x05\x04\x03\x02\x01"    // u64 0x0102030405060708
      "\xff"                                // i8 -1
      "\xfe\xff"                            // i16 -2
      "\xfd\xff\xff\xff"                    // i32 -3
      "\xfc\xff\xff\xff\xff\xff\xff\xff"    // i64 -4
      "\x00\x00\xc0\x3f"                    // f32 1.5
      "\x00\x00\x00\x00\x00\x00\x04\xc0"s;  // f64 -2.5
  ByteReader r(bytes);
  EXPECT_EQ(*r.ReadU8(), 1);
  EXPECT_EQ(*r.ReadU16(), 0x0102);
  EXPECT_EQ(*r.ReadU32(), 0x01020304u);
  EXPECT_EQ(*r.ReadU64(), 0x0102030405060708ull);
  EXPECT_EQ(*r.ReadI8(), -1);
  EXPECT_EQ(*r.ReadI16(), -2);
  EXPECT_EQ(*r.ReadI32(), -3);
  EXPECT_EQ(*r.ReadI64(), -4);
  EXPECT_EQ(*r.ReadF32(), 1.5f);
  EXPECT_EQ(*r.ReadF64(), -2.5);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.offset(), bytes.size());
}

TEST(ByteReaderTest, ShortReadNamesTheOffsetAndConsumesNothing) {
  ByteReader r(std::string_view("\x01\x02\x03\x04\x05", 5));
  ASSERT_TRUE(r.ReadU16().ok());
  auto v = r.ReadU64();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "offset 2: need 8 bytes for a u64, 3 left");
  EXPECT_EQ(r.offset(), 2u);
  EXPECT_EQ(*r.ReadU16(), 0x0403);
  EXPECT_FALSE(r.ReadU16().ok());
  EXPECT_EQ(*r.ReadU8(), 5);
  EXPECT_FALSE(r.ReadU8().ok());
  EXPECT_FALSE(r.ReadF32().ok());
}

TEST(ByteReaderTest, String64ChecksTheLengthBeforeReading) {
  std::string ok = "\x03\0\0\0\0\0\0\0abcrest"s;
  ByteReader r(ok);
  EXPECT_EQ(*r.ReadString64(16), "abc");
  EXPECT_EQ(r.remaining(), 4u);

  std::string too_long = "\x05\0\0\0\0\0\0\0abc"s;
  ByteReader short_reader(too_long);
  auto s = short_reader.ReadString64(16);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "offset 8: need 5 bytes for a string, 3 left");
  EXPECT_EQ(short_reader.offset(), 0u) << "a failed read consumes nothing";

  ByteReader capped(ok);
  auto c = capped.ReadString64(2);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "offset 0: string length 3 exceeds the limit of 2 bytes");
  EXPECT_EQ(capped.offset(), 0u);
}

TEST(ByteReaderTest, HugeLengthsFailWithoutOverflow) {
  std::string bytes =
      "\xff\xff\xff\xff\xff\xff\xff\xff"
      "abc"s;
  ByteReader r(bytes);
  auto s = r.ReadString64(std::numeric_limits<uint64_t>::max());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("18446744073709551615 bytes"), std::string::npos)
      << s.status().message();
  EXPECT_FALSE(r.ReadBytes(std::numeric_limits<uint64_t>::max()).ok());
  EXPECT_FALSE(r.Skip(std::numeric_limits<uint64_t>::max()).ok());
  EXPECT_EQ(r.offset(), 0u);
}

TEST(ByteReaderTest, String32BytesAndSkip) {
  std::string bytes = "\x02\0\0\0hiXYZ"s;
  ByteReader r(bytes);
  EXPECT_EQ(*r.ReadString32(8), "hi");
  EXPECT_TRUE(r.Skip(1).ok());
  auto rest = r.ReadBytes(2);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0], 'Y');
  EXPECT_TRUE(r.ReadBytes(0).ok());
  EXPECT_FALSE(r.Skip(1).ok());
  ByteReader empty(std::string_view{});
  EXPECT_FALSE(empty.ReadString32(8).ok());
  EXPECT_EQ(empty.remaining(), 0u);
}

}  // namespace
}  // namespace bastion
