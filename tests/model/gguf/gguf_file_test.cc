// GgufWriter -> GgufFile round trips: every value type, arrays of every element type,
// tensors of several ggml types, alignments, typed getters and their errors, Open().
#include "model/gguf/gguf_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "model/gguf/gguf_test_bytes.h"
#include "model/gguf/gguf_writer.h"

namespace bastion::model {
namespace {

using testing::AsBytes;
using testing::ParseGguf;

std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

std::string MustFinish(const GgufWriter& w) {
  auto bytes = w.Finish();
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? *bytes : std::string();
}

TEST(GgufFileTest, RoundTripsEveryScalarType) {
  GgufWriter w;
  w.Add<uint8_t>("u8", 200);
  w.Add<int8_t>("i8", -100);
  w.Add<uint16_t>("u16", 60000);
  w.Add<int16_t>("i16", -30000);
  w.Add<uint32_t>("u32", 4000000000u);
  w.Add<int32_t>("i32", -2000000000);
  w.Add<float>("f32", 1.25f);
  w.Add<bool>("bool", true);
  w.AddString("str", std::string("with\0nul", 8));
  w.Add<uint64_t>("u64", std::numeric_limits<uint64_t>::max());
  w.Add<int64_t>("i64", std::numeric_limits<int64_t>::min());
  w.Add<double>("f64", -0.1);
  std::string bytes = MustFinish(w);
  auto f = ParseGguf(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(f->alignment(), 32u);
  EXPECT_TRUE(f->tensors().empty());
  ASSERT_EQ(f->metadata().size(), 12u);
  const char* kKeys[] = {"u8",  "i8",   "u16", "i16", "u32", "i32",
                         "f32", "bool", "str", "u64", "i64", "f64"};
  const uint32_t kTypeOrder[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12};
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(f->metadata()[i].key, kKeys[i]);
    EXPECT_EQ(static_cast<uint32_t>(f->metadata()[i].value.type()), kTypeOrder[i]) << kKeys[i];
  }
  EXPECT_EQ(*f->GetUint("u8"), 200u);
  EXPECT_EQ(*f->GetInt("i8"), -100);
  EXPECT_EQ(*f->GetUint("u16"), 60000u);
  EXPECT_EQ(*f->GetInt("i16"), -30000);
  EXPECT_EQ(*f->GetUint("u32"), 4000000000u);
  EXPECT_EQ(*f->GetInt("i32"), -2000000000);
  EXPECT_EQ(*f->GetFloat("f32"), 1.25);
  EXPECT_EQ(*f->GetBool("bool"), true);
  EXPECT_EQ(*f->GetString("str"), std::string_view("with\0nul", 8));
  EXPECT_EQ(*f->GetUint("u64"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(*f->GetInt("i64"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*f->GetFloat("f64"), -0.1);
  EXPECT_EQ(*f->GetInt("u32"), 4000000000) << "an unsigned value that fits is fine";
}

TEST(GgufFileTest, GettersExplainWrongTypesAndRanges) {
  GgufWriter w;
  w.Add<int32_t>("negative", -1);
  w.Add<int32_t>("positive", 7);
  w.Add<uint64_t>("huge", std::numeric_limits<uint64_t>::max());
  w.AddString("name", "x");
  std::vector<int32_t> ints = {1, 2};
  w.AddArray<int32_t>("tokenizer.ggml.tokens", ints);
  std::string bytes = MustFinish(w);
  auto f = ParseGguf(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(*f->GetUint("positive"), 7u) << "signed types are accepted when the value fits";
  EXPECT_EQ(f->GetUint("negative").status().message(),
            "gguf: 'negative' is negative, expected an unsigned integer");
  EXPECT_EQ(f->GetInt("huge").status().message(),
            "gguf: 'huge' is a uint64 too large for a signed 64-bit integer");
  EXPECT_EQ(f->GetUint("name").status().message(),
            "gguf: 'name' is a string, expected an unsigned integer");
  EXPECT_EQ(f->GetString("positive").status().message(),
            "gguf: 'positive' is an int32, expected a string");
  EXPECT_EQ(f->GetFloat("name").status().message(), "gguf: 'name' is a string, expected a float");
  EXPECT_EQ(f->GetBool("name").status().message(), "gguf: 'name' is a string, expected a bool");
  EXPECT_EQ(f->GetStringArray("tokenizer.ggml.tokens").status().message(),
            "gguf: 'tokenizer.ggml.tokens' is an array of int32, expected strings");
  EXPECT_EQ(f->GetFloatArray("tokenizer.ggml.tokens").status().message(),
            "gguf: 'tokenizer.ggml.tokens' is an array of int32, expected floats");
  EXPECT_EQ(f->GetIntArray("name").status().message(),
            "gguf: 'name' is a string, expected an array");
  auto missing = f->GetString("general.architecture");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "gguf: no metadata key 'general.architecture'");
  EXPECT_EQ(f->Find("absent"), nullptr);
  EXPECT_EQ(f->FindTensor("absent"), nullptr);
}

template <typename T>
void ExpectArray(const GgufFile& f, const char* key, const std::vector<T>& want) {
  auto a = f.GetArray(key);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ((*a)->element_type(), GgufTypeOf<T>()) << key;
  ASSERT_EQ((*a)->size(), want.size()) << key;
  EXPECT_EQ((*a)->raw().size(), want.size() * sizeof(T)) << key;
  for (size_t i = 0; i < want.size(); ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      EXPECT_EQ((*a)->BoolAt(i), want[i]);
    } else if constexpr (std::is_floating_point_v<T>) {
      EXPECT_EQ(*(*a)->FloatAt(i), static_cast<double>(want[i])) << key << i;
    } else if constexpr (std::is_signed_v<T>) {
      EXPECT_EQ(*(*a)->IntAt(i), static_cast<int64_t>(want[i])) << key << i;
    } else {
      EXPECT_EQ(*(*a)->UintAt(i), static_cast<uint64_t>(want[i])) << key << i;
    }
  }
}

TEST(GgufFileTest, RoundTripsArraysOfEveryElementType) {
  std::vector<uint8_t> u8 = {0, 255};
  std::vector<int8_t> i8 = {-128, 127};
  std::vector<uint16_t> u16 = {1, 65535};
  std::vector<int16_t> i16 = {-32768, 5};
  std::vector<uint32_t> u32 = {7, 4294967295u};
  std::vector<int32_t> i32 = {-7, 1 << 30};
  std::vector<float> f32 = {0.5f, -3.0f};
  bool bools[] = {true, false, true};
  std::vector<uint64_t> u64 = {1ull << 63};
  std::vector<int64_t> i64 = {-(1ll << 62), 3};
  std::vector<double> f64 = {1e300, -2.5};
  std::vector<double> f64_small = {0.25, -2.5};
  std::vector<std::string> strs = {"", "a", "<think>", std::string(300, 'z'), ""};
  GgufWriter w;
  w.AddArray<uint8_t>("u8", u8);
  w.AddArray<int8_t>("i8", i8);
  w.AddArray<uint16_t>("u16", u16);
  w.AddArray<int16_t>("i16", i16);
  w.AddArray<uint32_t>("u32", u32);
  w.AddArray<int32_t>("i32", i32);
  w.AddArray<float>("f32", f32);
  w.AddArray<bool>("bool", bools);
  w.AddStringArray("str", strs);
  w.AddArray<uint64_t>("u64", u64);
  w.AddArray<int64_t>("i64", i64);
  w.AddArray<double>("f64", f64);
  w.AddArray<double>("f64_small", f64_small);
  w.AddArray<int32_t>("empty", std::span<const int32_t>());
  std::string bytes = MustFinish(w);
  auto f = ParseGguf(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ExpectArray(*f, "u8", u8);
  ExpectArray(*f, "i8", i8);
  ExpectArray(*f, "u16", u16);
  ExpectArray(*f, "i16", i16);
  ExpectArray(*f, "u32", u32);
  ExpectArray(*f, "i32", i32);
  ExpectArray(*f, "f32", f32);
  ExpectArray(*f, "bool", std::vector<bool>(std::begin(bools), std::end(bools)));
  ExpectArray(*f, "u64", u64);
  ExpectArray(*f, "i64", i64);
  ExpectArray(*f, "f64", f64);
  auto got = f->GetStringArray("str");
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), strs.size());
  for (size_t i = 0; i < strs.size(); ++i) EXPECT_EQ((*got)[i], strs[i]);
  EXPECT_EQ((*f->GetArray("str"))->StringAt(2), "<think>");
  EXPECT_EQ(*f->GetFloatArray("f64_small"), (std::vector<float>{0.25f, -2.5f}));
  EXPECT_EQ(*f->GetIntArray("u16"), (std::vector<int64_t>{1, 65535}));
  EXPECT_EQ(f->GetIntArray("u64").status().message(),
            "gguf: 'u64' element 0 is too large for int64");
  EXPECT_TRUE(f->GetIntArray("empty")->empty());
  EXPECT_FALSE((*f->GetArray("u8"))->FloatAt(0).has_value());
  EXPECT_FALSE((*f->GetArray("f32"))->IntAt(0).has_value());
  EXPECT_FALSE((*f->GetArray("i8"))->UintAt(0).has_value()) << "-128 is not unsigned";
}

TEST(GgufFileTest, RoundTripsTensorsOfSeveralTypes) {
  struct Spec {
    const char* name;
    GgmlType type;
    std::vector<uint64_t> dims;
    size_t bytes;
  };
  const Spec kSpecs[] = {
      {"token_embd.weight", GgmlType::kF32, {8, 3}, 96},
      {"blk.0.attn_q.weight", GgmlType::kQ8_0, {64, 2}, 4 * 34},
      {"blk.0.attn_k.weight", GgmlType::kQ4_K, {256, 1}, 144},
      {"blk.0.ffn_down.weight", GgmlType::kQ6_K, {512}, 2 * 210},
      {"blk.0.attn_norm.weight", GgmlType::kF16, {5}, 10},
      {"output.weight", GgmlType::kBF16, {2, 2, 2, 2}, 32},
      {"rope_freqs", GgmlType::kI32, {3}, 12},
  };
  GgufWriter w;
  w.AddString("general.architecture", "llama");
  for (size_t i = 0; i < std::size(kSpecs); ++i) {
    w.AddTensor(kSpecs[i].name, kSpecs[i].type, kSpecs[i].dims,
                Pattern(kSpecs[i].bytes, static_cast<uint8_t>(i)));
  }
  std::string bytes = MustFinish(w);
  auto f = ParseGguf(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->tensors().size(), std::size(kSpecs));
  EXPECT_EQ(f->data_offset() % 32, 0u);
  for (size_t i = 0; i < std::size(kSpecs); ++i) {
    const GgufTensor* t = f->FindTensor(kSpecs[i].name);
    ASSERT_NE(t, nullptr) << kSpecs[i].name;
    EXPECT_EQ(t, &f->tensors()[i]);
    EXPECT_EQ(t->type, kSpecs[i].type);
    EXPECT_EQ(t->dims, kSpecs[i].dims);
    EXPECT_EQ(t->size_bytes, kSpecs[i].bytes);
    EXPECT_EQ(t->offset % 32, 0u);
    EXPECT_EQ(t->data.data(), AsBytes(bytes).data() + f->data_offset() + t->offset);
    std::vector<uint8_t> want = Pattern(kSpecs[i].bytes, static_cast<uint8_t>(i));
    EXPECT_TRUE(std::equal(t->data.begin(), t->data.end(), want.begin(), want.end()))
        << kSpecs[i].name;
  }
  EXPECT_EQ(f->FindTensor("output.weight")->element_count, 16u);
}

TEST(GgufFileTest, HonoursNonDefaultAlignment) {
  for (uint32_t alignment : {1u, 8u, 64u, 4096u}) {
    GgufWriter w(alignment);
    w.AddTensor("a", GgmlType::kF32, {3}, Pattern(12, 1));
    w.AddTensor("b", GgmlType::kF16, {7}, Pattern(14, 2));
    std::string bytes = MustFinish(w);
    auto f = ParseGguf(bytes);
    ASSERT_TRUE(f.ok()) << alignment << ": " << f.status().message();
    EXPECT_EQ(f->alignment(), alignment);
    EXPECT_EQ(f->data_offset() % alignment, 0u);
    EXPECT_EQ(f->FindTensor("b")->offset, (12 + alignment - 1) / alignment * alignment);
    EXPECT_EQ(f->FindTensor("b")->data[0], Pattern(14, 2)[0]);
  }
}

TEST(GgufFileTest, AcceptsVersion2AndEmptyFiles) {
  std::string bytes = MustFinish(GgufWriter());
  EXPECT_EQ(bytes.size(), 32u) << "24-byte header padded to the alignment";
  auto f = ParseGguf(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_TRUE(f->metadata().empty());
  EXPECT_EQ(f->data_offset(), 32u);
  bytes[4] = 2;
  auto v2 = ParseGguf(bytes);
  ASSERT_TRUE(v2.ok()) << v2.status().message();
  EXPECT_EQ(v2->version(), 2u);
  // llama.cpp's vocabulary-only files end right after the header, without padding.
  auto unpadded = ParseGguf(std::string_view(bytes).substr(0, 24));
  ASSERT_TRUE(unpadded.ok()) << unpadded.status().message();
  EXPECT_EQ(unpadded->data_offset(), 24u);
}

TEST(GgufFileTest, WriterReportsMisuse) {
  GgufWriter dup_key;
  dup_key.AddString("k", "a");
  dup_key.Add<uint8_t>("k", 1);
  EXPECT_EQ(dup_key.Finish().status().message(), "gguf writer: duplicate key 'k'");
  GgufWriter bad_size;
  bad_size.AddTensor("t", GgmlType::kQ8_0, {32}, Pattern(33, 0));
  EXPECT_EQ(bad_size.Finish().status().message(),
            "gguf writer: tensor 't': has 33 bytes of data, expected 34");
  GgufWriter dup_tensor;
  dup_tensor.AddTensor("t", GgmlType::kI8, {1}, Pattern(1, 0));
  dup_tensor.AddTensor("t", GgmlType::kI8, {1}, Pattern(1, 0));
  EXPECT_EQ(dup_tensor.Finish().status().message(), "gguf writer: tensor 't': duplicate name");
}

class GgufOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bastion_gguf_open_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(GgufOpenTest, MapsFilesAndViewsSurviveMoves) {
  GgufWriter w;
  w.AddString("general.name", "tiny");
  w.AddTensor("t", GgmlType::kF32, {4}, Pattern(16, 9));
  std::string path = Write("tiny.gguf", MustFinish(w));
  auto opened = GgufFile::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  GgufFile file = std::move(opened).value();
  GgufFile moved = std::move(file);
  EXPECT_EQ(*moved.GetString("general.name"), "tiny");
  EXPECT_EQ(moved.FindTensor("t")->data[15], Pattern(16, 9)[15]);
  EXPECT_EQ(moved.FindTensor("t")->data.data(), moved.bytes().data() + moved.data_offset());
}

TEST_F(GgufOpenTest, ExplainsUnopenableAndInvalidFiles) {
  auto missing = GgufFile::Open((dir_ / "missing.gguf").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().message().find("No such file"), std::string::npos);
  auto empty = GgufFile::Open(Write("empty.gguf", ""));
  EXPECT_NE(empty.status().message().find("is empty"), std::string::npos);
  auto dir = GgufFile::Open(dir_.string());
  EXPECT_FALSE(dir.ok());
  std::string path = Write("bad.gguf", std::string("GGUF\x01\0\0\0", 8));
  auto bad = GgufFile::Open(path);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("version 1 is not supported"), std::string::npos);
  EXPECT_NE(bad.status().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace bastion::model
