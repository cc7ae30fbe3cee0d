// Every structural check of the GGUF reader, each with a file built to fail it: the errors
// must be clear InvalidArgument messages, never crashes or huge allocations.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "model/gguf/gguf_file.h"
#include "model/gguf/gguf_test_bytes.h"
#include "model/gguf/gguf_writer.h"

namespace bastion::model {
namespace {

using testing::GgufBytes;
using testing::ParseError;
using testing::ParseGguf;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kF32 = 0;

// One metadata entry "k" whose type and value the caller writes next.
GgufBytes OneKv(uint32_t type) { return std::move(GgufBytes().Header(3, 0, 1).Key("k", type)); }

// A file with no metadata and the given tensor infos, padded, then `data_bytes` zero bytes.
std::string TensorFile(uint64_t count, void (*infos)(GgufBytes&), size_t data_bytes) {
  GgufBytes b;
  b.Header(3, count, 0);
  infos(b);
  return b.PadTo(32).Zeros(data_bytes).str();
}

TEST(GgufChecksTest, RefusesShortFilesAndOtherFormats) {
  EXPECT_EQ(ParseError(""), "gguf: file is 0 bytes, too short for GGUF");
  EXPECT_EQ(ParseError("GGU"), "gguf: file is 3 bytes, too short for GGUF");
  EXPECT_EQ(ParseError("ggml\x01\x02"),
            "gguf: not a GGUF file (starts with 'ggml', expected 'GGUF')");
  EXPECT_EQ(ParseError("\x7f"
                       "ELF"),
            "gguf: not a GGUF file (starts with '\\x7fELF', expected 'GGUF')");
  EXPECT_EQ(ParseError("GGUF"), "gguf: version: offset 4: need 4 bytes for a u32, 0 left");
  auto status = ParseGguf(std::string_view("PK\x03\x04")).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
}

TEST(GgufChecksTest, RefusesOtherVersions) {
  EXPECT_EQ(ParseError(GgufBytes().Header(1, 0, 0).str()),
            "gguf: version 1 is not supported (GGUF v1 predates August 2023); re-convert the "
            "model with a current llama.cpp");
  EXPECT_EQ(ParseError(GgufBytes().Header(0, 0, 0).str()),
            "gguf: unsupported version 0 (expected 2 or 3)");
  EXPECT_EQ(ParseError(GgufBytes().Header(4, 0, 0).str()),
            "gguf: unsupported version 4 (expected 2 or 3)");
  EXPECT_EQ(ParseError(GgufBytes().Header(0x03000000, 0, 0).str()),
            "gguf: big-endian GGUF files are not supported");
}

TEST(GgufChecksTest, HugeCountsFailBeforeAllocating) {
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 0, 1ull << 63).str()),
            "gguf: metadata count 9223372036854775808 cannot fit in the 0 bytes after the header");
  EXPECT_EQ(ParseError(GgufBytes().Header(3, kU64Max, 0).Zeros(64).str()),
            "gguf: tensor count 18446744073709551615 cannot fit in the 64 bytes after the header");
  // Counts that fit the file size at first but not once the metadata has been read.
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 2, 1).Key("k", 8).Str(std::string(60, 'v')).str()),
            "gguf: tensor count 2 cannot fit in the 0 bytes after the metadata");
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 0, 2).Key("k", 0).U8(1).Zeros(14).str()),
            "gguf: metadata entry #1: empty key");
}

TEST(GgufChecksTest, BoundsKeyLengths) {
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 0, 1).U64(1ull << 63).Zeros(16).str()),
            "gguf: metadata entry #0 key: offset 24: string length 9223372036854775808 exceeds "
            "the limit of 1048576 bytes");
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 0, 1).U64(100).Zeros(16).str()),
            "gguf: metadata entry #0 key: offset 32: need 100 bytes for a string, 16 left");
  std::string long_key(kGgufMaxKeyBytes + 1, 'k');
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 0, 1).Key(long_key, 0).U8(0).str()),
            "gguf: metadata entry #0 key: offset 24: string length 1048577 exceeds the limit of "
            "1048576 bytes");
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 0, 1).Key("", 0).U8(0).Zeros(8).str()),
            "gguf: metadata entry #0: empty key");
}

TEST(GgufChecksTest, BoundsStringValues) {
  EXPECT_EQ(ParseError(OneKv(8).U64(kU64Max).Zeros(8).str()),
            "gguf: key 'k' value: offset 37: string length 18446744073709551615 exceeds the "
            "limit of 67108864 bytes");
  EXPECT_EQ(ParseError(OneKv(8).U64(50).Raw("short").str()),
            "gguf: key 'k' value: offset 45: need 50 bytes for a string, 5 left");
  EXPECT_EQ(ParseError(OneKv(4).Raw("\x01\x02").str()),
            "gguf: key 'k' value: offset 37: need 4 bytes for a u32, 2 left");
}

TEST(GgufChecksTest, RefusesUnknownValueTypesAndNestedArrays) {
  EXPECT_EQ(ParseError(OneKv(13).Zeros(8).str()),
            "gguf: key 'k': unknown value type 13 at offset 33");
  EXPECT_EQ(ParseError(OneKv(0xffffffff).Zeros(8).str()),
            "gguf: key 'k': unknown value type 4294967295 at offset 33");
  EXPECT_EQ(ParseError(OneKv(9).U32(9).U64(1).U32(0).U64(1).U8(7).str()),
            "gguf: key 'k': nested arrays are not supported (offset 37)");
  EXPECT_EQ(ParseError(OneKv(9).U32(77).U64(1).U8(0).str()),
            "gguf: key 'k': unknown array element type 77 at offset 37");
}

TEST(GgufChecksTest, ChecksArrayLengthsAgainstRemainingBytes) {
  EXPECT_EQ(ParseError(OneKv(9).U32(4).U64(3).U32(1).U32(2).str()),
            "gguf: key 'k': array of 3 uint32 at offset 41 needs at least 4 bytes each, only 8 "
            "bytes left");
  // 2^62 * 8 wraps to 0 in 64 bits: the check must not multiply.
  EXPECT_EQ(ParseError(OneKv(9).U32(10).U64(1ull << 62).str()),
            "gguf: key 'k': array of 4611686018427387904 uint64 at offset 41 needs at least 8 "
            "bytes each, only 0 bytes left");
  EXPECT_EQ(ParseError(OneKv(9).U32(8).U64(kU64Max).Zeros(64).str()),
            "gguf: key 'k': array of 18446744073709551615 string at offset 41 needs at least 8 "
            "bytes each, only 64 bytes left");
  EXPECT_EQ(ParseError(OneKv(9).U32(8).U64(2).Str("ok").U64(10).Raw("abc").str()),
            "gguf: key 'k' element 1: offset 67: need 10 bytes for a string, 3 left");
}

TEST(GgufChecksTest, BoolsAreZeroOrOne) {
  EXPECT_EQ(ParseError(OneKv(7).U8(2).str()), "gguf: key 'k': bool value 2 at offset 37");
  EXPECT_EQ(ParseError(OneKv(9).U32(7).U64(3).U8(1).U8(0).U8(255).str()),
            "gguf: key 'k': bool value 255 at offset 51");
}

TEST(GgufChecksTest, RefusesDuplicateKeys) {
  GgufBytes b;
  b.Header(3, 0, 3).Key("general.name", 8).Str("a").Key("x", 0).U8(1);
  b.Key("general.name", 8).Str("b");
  EXPECT_EQ(ParseError(b.str()), "gguf: duplicate key 'general.name' (entries #0 and #2)");
  // Names in messages are quoted safely and shortened.
  std::string hostile = "\x1b[2J'" + std::string(200, 'x');
  GgufBytes h;
  h.Header(3, 0, 2).Key(hostile, 0).U8(0).Key(hostile, 0).U8(0);
  EXPECT_EQ(ParseError(h.str()), "gguf: duplicate key '\\x1b[2J\\x27" + std::string(75, 'x') +
                                     "...' (entries #0 and #1)");
}

TEST(GgufChecksTest, ChecksGeneralAlignment) {
  auto with_alignment = [](uint32_t type, uint64_t value, size_t width) {
    GgufBytes b;
    b.Header(3, 0, 1).Key("general.alignment", type);
    return ParseError(width == 4 ? b.U32(static_cast<uint32_t>(value)).str() : b.U64(value).str());
  };
  EXPECT_EQ(with_alignment(5, 32, 4), "gguf: general.alignment is an int32, expected a uint32");
  EXPECT_EQ(with_alignment(10, 32, 8), "gguf: general.alignment is a uint64, expected a uint32");
  for (uint32_t bad : {0u, 3u, 48u, 2u << 20, 0x80000000u}) {
    EXPECT_EQ(with_alignment(4, bad, 4), "gguf: general.alignment " + std::to_string(bad) +
                                             " is not a power of two from 1 to 1048576");
  }
  EXPECT_EQ(with_alignment(4, 1 << 20, 4), "") << "1 MiB is the largest accepted";
}

TEST(GgufChecksTest, ChecksTensorDimensions) {
  auto dims_error = [](std::vector<uint64_t> dims) {
    return ParseError(GgufBytes().Header(3, 1, 0).Tensor("w", dims, kF32, 0).Zeros(64).str());
  };
  EXPECT_EQ(dims_error({}), "gguf: tensor 'w': 0 dimensions (expected 1 to 4)");
  EXPECT_EQ(dims_error({1, 1, 1, 1, 1}), "gguf: tensor 'w': 5 dimensions (expected 1 to 4)");
  EXPECT_EQ(dims_error({4, 0}), "gguf: tensor 'w': dimension 1 is 0");
  EXPECT_EQ(dims_error({1ull << 32, 1ull << 32}),
            "gguf: tensor 'w': the element count overflows at dimension 1");
  EXPECT_EQ(dims_error({kU64Max}), "gguf: tensor 'w': the element count overflows at dimension 0");
  EXPECT_EQ(dims_error({1ull << 62}), "gguf: tensor 'w': the byte size overflows");
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 1, 0).Str("w").U32(0xffffffff).Zeros(64).str()),
            "gguf: tensor 'w': 4294967295 dimensions (expected 1 to 4)");
  EXPECT_EQ(ParseError(GgufBytes().Header(3, 1, 0).Str("w").U32(4).U64(1).U64(1).Zeros(4).str()),
            "gguf: tensor 'w' dimensions: offset 53: need 8 bytes for a u64, 4 left");
}

TEST(GgufChecksTest, ChecksTensorTypes) {
  auto type_error = [](uint32_t type, uint64_t dim0) {
    return ParseError(GgufBytes().Header(3, 1, 0).Tensor("w", {dim0}, type, 0).Zeros(512).str());
  };
  EXPECT_EQ(type_error(99, 32), "gguf: tensor 'w': unknown ggml type 99");
  EXPECT_EQ(type_error(4, 32), "gguf: tensor 'w': ggml type Q4_2 (4) is not supported");
  EXPECT_EQ(type_error(16, 256), "gguf: tensor 'w': ggml type IQ2_XXS (16) is not supported");
  EXPECT_EQ(type_error(8, 48),
            "gguf: tensor 'w': dimension 0 (48) is not a multiple of the Q8_0 block size 32");
  EXPECT_EQ(type_error(14, 128),
            "gguf: tensor 'w': dimension 0 (128) is not a multiple of the Q6_K block size 256");
  EXPECT_EQ(type_error(8, 64), "");
}

TEST(GgufChecksTest, ChecksTensorNames) {
  auto one = [](std::string_view name) {
    return ParseError(GgufBytes().Header(3, 1, 0).Tensor(name, {1}, kF32, 0).Zeros(64).str());
  };
  EXPECT_EQ(one(""), "gguf: tensor #0: empty name");
  EXPECT_EQ(one(std::string(64, 'n')),
            "gguf: tensor #0 name: offset 24: string length 64 exceeds the limit of 63 bytes");
  EXPECT_EQ(one(std::string(63, 'n')), "");
  GgufBytes dup;
  dup.Header(3, 3, 0).Tensor("a", {1}, kF32, 0).Tensor("b", {1}, kF32, 32);
  dup.Tensor("a", {1}, kF32, 64).PadTo(32).Zeros(96);
  EXPECT_EQ(ParseError(dup.str()), "gguf: duplicate tensor 'a' (tensors #0 and #2)");
}

TEST(GgufChecksTest, TensorOffsetsMustBeAligned) {
  auto error = TensorFile(
      1, [](GgufBytes& b) { b.Tensor("blk.0.attn_q.weight", {4}, kF32, 123); }, 256);
  EXPECT_EQ(ParseError(error),
            "gguf: tensor 'blk.0.attn_q.weight': offset 123 is not a multiple of the "
            "alignment 32");
  // With general.alignment 1 any offset is aligned.
  GgufBytes b;
  b.Header(3, 1, 1).Key("general.alignment", 4).U32(1);
  b.Tensor("w", {4}, kF32, 123).Zeros(123 + 16);
  EXPECT_EQ(ParseError(b.str()), "");
}

TEST(GgufChecksTest, TensorDataMustLieInsideTheFile) {
  // 16 bytes of data (a 4-float tensor at offset 0) but only 8 bytes present.
  EXPECT_EQ(ParseError(TensorFile(
                1, [](GgufBytes& b) { b.Tensor("w", {4}, kF32, 0); }, 8)),
            "gguf: tensor 'w': data at offset 0 of 16 bytes runs past the end of the data "
            "section (8 bytes)");
  EXPECT_EQ(ParseError(TensorFile(
                1, [](GgufBytes& b) { b.Tensor("w", {4}, kF32, 1 << 20); }, 64)),
            "gguf: tensor 'w': data at offset 1048576 of 16 bytes runs past the end of the data "
            "section (64 bytes)");
  // offset + size wraps around 2^64.
  EXPECT_EQ(ParseError(TensorFile(
                1, [](GgufBytes& b) { b.Tensor("w", {16}, kF32, kU64Max - 31); }, 64)),
            "gguf: tensor 'w': data at offset 18446744073709551584 of 64 bytes runs past the end "
            "of the data section (64 bytes)");
  // The tensor infos end at byte 57; the data section would start at 64.
  std::string no_padding = GgufBytes().Header(3, 1, 0).Tensor("w", {1}, kF32, 0).str();
  EXPECT_EQ(ParseError(no_padding),
            "gguf: the data section would start at offset 64 (the header ends at 57, padded to "
            "the alignment 32), past the end of the 57-byte file");
}

TEST(GgufChecksTest, TensorsMustNotOverlap) {
  EXPECT_EQ(ParseError(TensorFile(
                2,
                [](GgufBytes& b) {
                  b.Tensor("a", {16}, kF32, 0);  // bytes 0..64
                  b.Tensor("b", {8}, kF32, 32);
                },
                96)),
            "gguf: tensor 'a' (bytes 0 to 64) overlaps tensor 'b' (from byte 32) in the data "
            "section");
  EXPECT_EQ(ParseError(TensorFile(
                2,
                [](GgufBytes& b) {
                  b.Tensor("late", {8}, kF32, 64);
                  b.Tensor("same", {8}, kF32, 64);
                },
                96)),
            "gguf: tensor 'late' (bytes 64 to 96) overlaps tensor 'same' (from byte 64) in the "
            "data section");
  EXPECT_EQ(ParseError(TensorFile(
                2,
                [](GgufBytes& b) {
                  b.Tensor("b", {8}, kF32, 32);
                  b.Tensor("a", {8}, kF32, 0);
                },
                64)),
            "")
      << "adjacent ranges, listed out of order, are fine";
}

// A small valid file with every kind of content, ending exactly where its last tensor ends.
std::string SmallValidFile() {
  GgufWriter w;
  w.AddString("general.architecture", "llama");
  w.Add<uint32_t>("llama.block_count", 1);
  w.Add<float>("llama.rope.freq_base", 10000.0f);
  w.Add<bool>("tokenizer.ggml.add_bos_token", true);
  std::vector<std::string> tokens = {"<s>", "</s>", "a"};
  w.AddStringArray("tokenizer.ggml.tokens", tokens);
  std::vector<int32_t> types = {3, 3, 1};
  w.AddArray<int32_t>("tokenizer.ggml.token_type", types);
  w.AddTensor("a", GgmlType::kQ8_0, {32}, std::vector<uint8_t>(34, 1));
  w.AddTensor("b", GgmlType::kF32, {8}, std::vector<uint8_t>(32, 2));
  return *w.Finish();
}

TEST(GgufChecksTest, TruncationAtEveryOffsetFails) {
  std::string bytes = SmallValidFile();
  ASSERT_TRUE(ParseGguf(bytes).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto f = ParseGguf(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(f.ok()) << "truncated to " << n << " bytes";
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(f.status().message().rfind("gguf: ", 0), 0u) << f.status().message();
  }
}

TEST(GgufChecksTest, CorruptingAnyByteNeverCrashes) {
  std::string bytes = SmallValidFile();
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(v);
      auto f = ParseGguf(copy);
      if (!f.ok()) {
        EXPECT_EQ(f.status().message().rfind("gguf: ", 0), 0u);
      }
    }
  }
}

}  // namespace
}  // namespace bastion::model
