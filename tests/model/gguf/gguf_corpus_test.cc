// The committed fuzz corpus (tests/fuzz_corpus/gguf, from make_fuzz_corpus.py): the valid
// files parse, and each nasty file is refused by the check it was built for, not by an
// earlier accident of its construction.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "model/gguf/gguf_file.h"
#include "model/gguf/gguf_test_bytes.h"

namespace bastion::model {
namespace {

const std::map<std::string, std::string> kExpectedErrors = {
    {"truncated_header", "tensor count: offset 8: need 8 bytes"},
    {"version_1", "version 1 is not supported"},
    {"big_endian", "big-endian GGUF files are not supported"},
    {"huge_kv_count", "metadata count 9223372036854775808 cannot fit"},
    {"huge_tensor_count", "tensor count 18446744073709551615 cannot fit"},
    {"huge_key_length", "string length 18446744073709551615 exceeds the limit of 1048576"},
    {"huge_string_value", "key 'k' value: offset 37: string length 9223372036854775808 exceeds"},
    {"unknown_value_type", "unknown value type 13"},
    {"nested_array", "nested arrays are not supported"},
    {"array_too_long", "array of 1000 uint32 at offset 41 needs at least 4 bytes each"},
    {"array_count_wraps", "array of 4611686018427387904 uint64"},
    {"string_array_truncated", "key 'k' element 1: offset 67: need 99 bytes for a string"},
    {"bool_value_2", "bool value 2"},
    {"duplicate_key", "duplicate key 'general.name' (entries #0 and #1)"},
    {"alignment_not_power_of_two", "general.alignment 48 is not a power of two"},
    {"alignment_wrong_type", "general.alignment is a uint64, expected a uint32"},
    {"alignment_zero", "general.alignment 0 is not a power of two"},
    {"misaligned_offset", "tensor 'w': offset 4 is not a multiple of the alignment 32"},
    {"overlapping_tensors", "tensor 'a' (bytes 0 to 64) overlaps tensor 'b'"},
    {"dims_overflow", "tensor 'w': the element count overflows at dimension 1"},
    {"n_dims_0", "tensor 'w': 0 dimensions"},
    {"n_dims_5", "tensor 'w': 5 dimensions"},
    {"dim_zero", "tensor 'w': dimension 1 is 0"},
    {"unknown_ggml_type", "tensor 'w': unknown ggml type 99"},
    {"unsupported_iq_type", "ggml type IQ2_XXS (16) is not supported"},
    {"block_size_mismatch", "dimension 0 (33) is not a multiple of the Q8_0 block size 32"},
    {"duplicate_tensor_name", "duplicate tensor 'w' (tensors #0 and #1)"},
    {"offset_past_eof", "tensor 'w': data at offset 1048576 of 16 bytes runs past the end"},
    {"offset_plus_size_wraps", "data at offset 18446744073709551584 of 64 bytes runs past"},
    {"no_data_padding", "the data section would start at offset 64"},
};

TEST(GgufCorpusTest, EachFileMeetsTheCheckItWasBuiltFor) {
  std::filesystem::path dir = std::filesystem::path(BASTION_SOURCE_DIR) / "tests/fuzz_corpus/gguf";
  size_t valid = 0;
  size_t invalid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_LT(bytes.size(), 64u << 10) << name;
    auto f = testing::ParseGguf(bytes);
    if (name.rfind("valid_", 0) == 0) {
      EXPECT_TRUE(f.ok()) << name << ": " << f.status().message();
      ++valid;
      continue;
    }
    ++invalid;
    auto expected = kExpectedErrors.find(name);
    ASSERT_NE(expected, kExpectedErrors.end()) << "no expected error listed for " << name;
    ASSERT_FALSE(f.ok()) << name;
    EXPECT_NE(f.status().message().find(expected->second), std::string::npos)
        << name << ": " << f.status().message();
  }
  EXPECT_EQ(valid, 3u);
  EXPECT_EQ(invalid, kExpectedErrors.size());
}

TEST(GgufCorpusTest, ValidEveryTypeHasEverythingItClaims) {
  std::filesystem::path path =
      std::filesystem::path(BASTION_SOURCE_DIR) / "tests/fuzz_corpus/gguf/valid_every_type";
  auto f = GgufFile::Open(path.string());
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->alignment(), 64u);
  EXPECT_EQ(f->metadata().size(), 25u);
  EXPECT_EQ(f->tensors().size(), 5u);
  EXPECT_EQ(*f->GetInt("s.11"), -(int64_t{1} << 40));
  EXPECT_EQ((*f->GetArray("a.8"))->StringAt(1), "text");
  EXPECT_EQ(f->FindTensor("q6_k")->size_bytes, 210u);
}

}  // namespace
}  // namespace bastion::model
