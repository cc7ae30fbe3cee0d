// The committed fuzz corpus (tests/fuzz_corpus/safetensors, from make_fuzz_corpus.py): the
// valid files parse, and each nasty file is refused by the check it was built for, not by an
// earlier accident of its construction. index_* files are sharded-checkpoint indexes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "model/safetensors/safetensors_file.h"
#include "model/safetensors/safetensors_index.h"
#include "model/safetensors/safetensors_test_bytes.h"

namespace bastion::model {
namespace {

constexpr std::pair<std::string_view, std::string_view> kExpectedErrors[] = {
    {"too_short", "the file is 5 bytes, too short for the 8-byte header size"},
    {"header_size_huge", "the header size 18446744073709551615 exceeds the limit"},
    {"header_size_over_limit", "the header size 104857601 exceeds the limit of 104857600"},
    {"header_size_past_eof", "the header size 3 runs past the end of the file"},
    {"header_size_zero", "the header is empty"},
    {"not_an_object_start", "the header starts with ' ', expected '{'"},
    {"json_array", "the header starts with '[', expected '{'"},
    {"bom", "the header starts with a UTF-8 byte order mark"},
    {"invalid_json", "the header is not valid JSON (line 1, column"},
    {"invalid_utf8", "the header is not valid JSON"},
    {"newline_padding", "the header is padded with byte '\\x0a' at header offset 2"},
    {"trailing_garbage", "the header is not valid JSON"},
    {"nul_padding", "the header is not valid JSON"},
    {"duplicate_top_key", "the header has the key 'w' twice"},
    {"duplicate_escaped_key", "the header has the key 'w' twice"},
    {"duplicate_nested_key", "tensor 'w' has the key 'dtype' twice"},
    {"duplicate_metadata_key", "__metadata__ has the key 'a' twice"},
    {"unknown_dtype", "tensor 'w' has the unknown dtype 'F9'"},
    {"u16_dtype", "tensor 'w' has the unknown dtype 'U16'"},
    {"shape_overflow", "shape [1099511627776, 1099511627776] has 2^64 or more elements"},
    {"byte_size_overflow", "shape [4611686018427387905] of F32 takes 2^64 or more bytes"},
    {"negative_dim", "tensor 'w' shape[0] is the integer -1"},
    {"float_dim", "tensor 'w' shape[0] is the number 4.0"},
    {"dim_too_big_for_u64", "the header is not valid JSON"},
    {"rank_9", "tensor 'w' has rank 9, over the limit of 8"},
    {"string_dim", "tensor 'w' shape[0] is a string"},
    {"size_mismatch", "shape [4] of F32 takes 16 bytes, but its data_offsets [0, 12] hold 12"},
    {"offsets_reversed", "tensor 'w' data_offsets [16, 0] end before they begin"},
    {"offsets_three", "tensor 'w' data_offsets has 3 elements, expected 2"},
    {"offsets_overlap", "tensor 'b' (bytes 8 to 24) overlaps tensor 'a' (bytes 0 to 16)"},
    {"offsets_gap", "bytes 8 to 12 of the data region belong to no tensor"},
    {"offsets_not_at_zero", "the first, tensor 'w', starts at byte 4"},
    {"offsets_past_eof", "tensor 'w' (bytes 0 to 16) runs past the end of the data region"},
    {"trailing_bytes", "4 bytes after the last tensor, tensor 'w' (bytes 0 to 8)"},
    {"data_without_tensors", "the header lists no tensors, but 4 bytes follow it"},
    {"extra_member", "tensor 'w' has the unknown member 'extra'"},
    {"missing_shape", "tensor 'w' has no shape"},
    {"tensor_not_object", "tensor 'w' is an array, expected an object"},
    {"metadata_non_string", "__metadata__ entry 'format' is the integer 1, expected a string"},
    {"metadata_not_object", "__metadata__ is a string, expected an object"},
    {"deep_nesting", "the header nests JSON deeper than 8 levels"},
    {"empty_name", "a tensor has an empty name"},
    {"long_name", "has a name of 1025 bytes, over the limit of 1024"},
    {"index_shard_escapes", "shard '../model.safetensors' is not a plain file name"},
    {"index_absolute_shard", "shard '/etc/passwd.safetensors' is not a plain file name"},
    {"index_duplicate_key", "weight_map has the key 'a' twice"},
};

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {(std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()};
}

// The corpus file's parse: as a safetensors file, or as an index for index_* files.
Status ParseCorpusFile(const std::string& name, const std::string& bytes) {
  if (name.rfind("index_", 0) == 0) return ParseSafetensorsIndex(bytes, name).status();
  auto f = testing::ParseSafetensors(bytes);
  if (!f.ok()) return f.status();
  for (const SafetensorsTensor& t : f->tensors()) {
    EXPECT_EQ(t.data.size(), t.size) << name;
    EXPECT_EQ(f->Find(t.name), &t) << name;
  }
  return Status::Ok();
}

TEST(SafetensorsCorpusTest, EachFileMeetsTheCheckItWasBuiltFor) {
  std::filesystem::path dir =
      std::filesystem::path(BASTION_SOURCE_DIR) / "tests/fuzz_corpus/safetensors";
  size_t valid = 0;
  size_t invalid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    std::string bytes = ReadAll(entry.path());
    EXPECT_LT(bytes.size(), 4096u) << name;
    Status st = ParseCorpusFile(name, bytes);
    if (name.rfind("valid_", 0) == 0 || name == "index_valid") {
      EXPECT_TRUE(st.ok()) << name << ": " << st.message();
      ++valid;
      continue;
    }
    ++invalid;
    auto expected = std::find_if(std::begin(kExpectedErrors), std::end(kExpectedErrors),
                                 [&](const auto& e) { return e.first == name; });
    ASSERT_NE(expected, std::end(kExpectedErrors)) << "no expected error listed for " << name;
    ASSERT_FALSE(st.ok()) << name;
    EXPECT_NE(st.message().find(expected->second), std::string::npos)
        << name << ": " << st.message();
  }
  EXPECT_EQ(valid, 5u);
  EXPECT_EQ(invalid, std::size(kExpectedErrors));
}

TEST(SafetensorsCorpusTest, ValidEveryDtypeHasEverythingItClaims) {
  std::filesystem::path path =
      std::filesystem::path(BASTION_SOURCE_DIR) / "tests/fuzz_corpus/safetensors/valid_every_dtype";
  auto f = SafetensorsFile::Open(path.string());
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->tensors().size(), 12u);
  const SafetensorsTensor* f8 = f->Find("f8_e5m2");
  ASSERT_NE(f8, nullptr);
  EXPECT_EQ(f8->dtype, SafetensorsDtype::kF8E5M2);
  EXPECT_EQ(f8->size, 3u);
  EXPECT_EQ(f->Find("f64")->size, 24u);
  EXPECT_EQ(f->Find("f64")->data[1], 7u);
}

}  // namespace
}  // namespace bastion::model
