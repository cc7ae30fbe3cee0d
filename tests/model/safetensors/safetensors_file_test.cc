// SafetensorsFile: valid files parse into the tensors, data views and metadata they describe;
// each check refuses what it exists for, with a message naming the file, the tensor and the
// problem; Open() maps files and its views survive moves.
#include "model/safetensors/safetensors_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/safetensors/safetensors_test_bytes.h"

namespace bastion::model {
namespace {

using ::testing::HasSubstr;
using testing::OneTensorHeader;
using testing::ParseSafetensors;
using testing::SafetensorsBytes;
using testing::SafetensorsError;

std::string Pattern(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(i * 7 + 1);
  return out;
}

// A header of three tensors listed out of data order, metadata, and HF's space padding.
constexpr std::string_view kHeader = R"({"__metadata__":{"format":"pt","note":"x"},)"
                                     R"("b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]},)"
                                     R"("a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                                     R"("s":{"shape":[],"data_offsets":[22,23],"dtype":"U8"},)"
                                     R"("e":{"dtype":"F16","shape":[0,5],"data_offsets":[23,23]}})"
                                     "     ";

TEST(SafetensorsFileTest, ParsesTensorsDataAndMetadata) {
  const std::string data = Pattern(23);
  const std::string bytes = SafetensorsBytes(kHeader, data);
  auto f = ParseSafetensors(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->origin(), "test.safetensors");
  EXPECT_EQ(f->data_offset(), 8 + kHeader.size());
  ASSERT_EQ(f->tensors().size(), 4u);
  std::vector<std::string> names;
  for (const SafetensorsTensor& t : f->tensors()) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"b", "a", "s", "e"})) << "header order";
  const SafetensorsTensor* a = f->Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, SafetensorsDtype::kF32);
  EXPECT_EQ(a->shape, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(a->offset, 0u);
  EXPECT_EQ(a->size, 16u);
  EXPECT_EQ(a->data.data(), f->bytes().data() + f->data_offset());
  EXPECT_EQ(std::string(a->data.begin(), a->data.end()), data.substr(0, 16));
  const SafetensorsTensor* b = f->Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, SafetensorsDtype::kBF16);
  EXPECT_EQ(std::string(b->data.begin(), b->data.end()), data.substr(16, 6));
  EXPECT_TRUE(f->Find("s")->shape.empty()) << "a scalar";
  EXPECT_EQ(f->Find("s")->data[0], static_cast<uint8_t>(data[22]));
  EXPECT_EQ(f->Find("e")->size, 0u);
  EXPECT_TRUE(f->Find("e")->data.empty());
  EXPECT_EQ(f->Find("absent"), nullptr);
  EXPECT_EQ(f->Find(""), nullptr);
  EXPECT_EQ(f->metadata().size(), 2u);
  EXPECT_EQ(f->metadata().at("format"), "pt");
}

TEST(SafetensorsFileTest, EmptyHeaderAndNoDataIsValid) {
  const std::string bytes = SafetensorsBytes("{}");
  auto f = ParseSafetensors(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_TRUE(f->tensors().empty());
  EXPECT_TRUE(f->metadata().empty());
}

TEST(SafetensorsFileTest, FindsAmongManyNames) {
  std::string header = "{";
  std::string data;
  for (int i = 99; i >= 0; --i) {
    if (i != 99) header += ",";
    header += "\"t" + std::to_string(i) + "\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[" +
              std::to_string(data.size()) + "," + std::to_string(data.size() + 1) + "]}";
    data.push_back(static_cast<char>(i));
  }
  header += "}";
  const std::string bytes = SafetensorsBytes(header, data);
  auto f = ParseSafetensors(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message();
  for (int i = 0; i < 100; ++i) {
    const SafetensorsTensor* t = f->Find("t" + std::to_string(i));
    ASSERT_NE(t, nullptr) << i;
    EXPECT_EQ(t->data[0], i);
  }
  EXPECT_EQ(f->Find("t"), nullptr);
  EXPECT_EQ(f->Find("t100"), nullptr);
}

TEST(SafetensorsDtypeTest, NamesAndSizesRoundTrip) {
  const std::vector<std::pair<std::string, uint64_t>> kAll = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8},     {"I32", 4},
      {"I16", 2}, {"I8", 1},  {"U8", 1},  {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  for (const auto& [name, size] : kAll) {
    auto dtype = SafetensorsDtypeFromName(name);
    ASSERT_TRUE(dtype.has_value()) << name;
    EXPECT_EQ(SafetensorsDtypeName(*dtype), name);
    EXPECT_EQ(SafetensorsDtypeSize(*dtype), size) << name;
  }
  EXPECT_FALSE(SafetensorsDtypeFromName("f32").has_value()) << "names are case-sensitive";
  EXPECT_FALSE(SafetensorsDtypeFromName("U16").has_value());
}

// Framing: the size field, the header's first byte and its padding.
TEST(SafetensorsFileTest, RefusesBadFraming) {
  EXPECT_EQ(SafetensorsError(std::string("\x02\0\0\0\0", 5)),
            "safetensors: test.safetensors: the file is 5 bytes, too short for the 8-byte "
            "header size");
  std::string huge(8, '\xff');
  EXPECT_THAT(SafetensorsError(huge + "{}"),
              HasSubstr("the header size 18446744073709551615 exceeds the limit of 104857600"));
  std::string past = SafetensorsBytes("{}");
  past[0] = 3;
  EXPECT_THAT(SafetensorsError(past), HasSubstr("the header size 3 runs past the end of the file "
                                                "(2 bytes follow the size field)"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("", "abcdefgh")),
              HasSubstr("the header is empty (its size field is 0)"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(" {}")),
              HasSubstr("the header starts with ' ', expected '{'"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("[1]")),
              HasSubstr("the header starts with '[', expected '{'"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("\xEF\xBB\xBF{}")),
              HasSubstr("starts with a UTF-8 byte order mark"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("{}\n")),
              HasSubstr("the header is padded with byte '\\x0a' at header offset 2; only spaces "
                        "may follow the closing '}'"));
  const std::string padded = SafetensorsBytes("{}  ");
  EXPECT_TRUE(ParseSafetensors(padded).ok());
}

TEST(SafetensorsFileTest, RefusesInvalidJson) {
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(R"({"w":{"dtype":"F32",)")),
              HasSubstr("the header is not valid JSON (line 1, column"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("{} x")), HasSubstr("is not valid JSON"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(std::string("{}\0", 3))),
              HasSubstr("is not valid JSON"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("{\"\xff\":{}}")),
              HasSubstr("the header is not valid JSON"));
  std::string deep = R"({"__metadata__":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(deep)),
              HasSubstr("the header nests JSON deeper than 8 levels"));
}

// The members of a valid 4 x F32 entry at [0, 16].
std::string Entry16() { return R"("dtype":"F32","shape":[4],"data_offsets":[0,16])"; }

TEST(SafetensorsFileTest, RefusesDuplicateKeys) {
  const std::string data = Pattern(16);
  EXPECT_THAT(SafetensorsError(
                  SafetensorsBytes("{\"w\":{" + Entry16() + "},\"w\":{" + Entry16() + "}}", data)),
              HasSubstr("the header has the key 'w' twice"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(
                  "{\"w\":{" + Entry16() + "},\"\\u0077\":{" + Entry16() + "}}", data)),
              HasSubstr("the header has the key 'w' twice"))
      << "compared after unescaping";
  EXPECT_THAT(
      SafetensorsError(SafetensorsBytes(
          OneTensorHeader(R"({"dtype":"F32","dtype":"F16","shape":[4],"data_offsets":[0,16]})"),
          data)),
      HasSubstr("tensor 'w' has the key 'dtype' twice"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(R"({"__metadata__":{"a":"1","a":"2"}})")),
              HasSubstr("__metadata__ has the key 'a' twice"));
}

TEST(SafetensorsFileTest, RefusesMalformedEntries) {
  const std::string data = Pattern(16);
  auto entry_error = [&](const std::string& entry) {
    return SafetensorsError(SafetensorsBytes(OneTensorHeader(entry), data));
  };
  EXPECT_THAT(entry_error("[1]"), HasSubstr("tensor 'w' is an array, expected an object"));
  EXPECT_THAT(entry_error("{" + Entry16() + R"(,"extra":1})"),
              HasSubstr("tensor 'w' has the unknown member 'extra' (expected only dtype, shape "
                        "and data_offsets)"));
  EXPECT_THAT(entry_error(R"({"dtype":"F32","data_offsets":[0,16]})"),
              HasSubstr("tensor 'w' has no shape"));
  EXPECT_THAT(entry_error(R"({"dtype":7,"shape":[4],"data_offsets":[0,16]})"),
              HasSubstr("tensor 'w' dtype is the integer 7, expected a string"));
  EXPECT_THAT(entry_error(R"({"dtype":"F9","shape":[4],"data_offsets":[0,16]})"),
              HasSubstr("tensor 'w' has the unknown dtype 'F9' (known: F64, F32"));
  EXPECT_THAT(entry_error(R"({"dtype":"F32","shape":4,"data_offsets":[0,16]})"),
              HasSubstr("tensor 'w' shape is the integer 4, expected an array"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(R"({"__metadata__":{"format":1}})")),
              HasSubstr("__metadata__ entry 'format' is the integer 1, expected a string"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(R"({"__metadata__":"pt"})")),
              HasSubstr("__metadata__ is a string, expected an object"));
}

TEST(SafetensorsFileTest, RefusesBadShapes) {
  auto shape_error = [](const std::string& shape, const std::string& offsets = "[0,16]") {
    static const std::string data = Pattern(16);
    return SafetensorsError(SafetensorsBytes(OneTensorHeader(R"({"dtype":"F32","shape":)" + shape +
                                                             R"(,"data_offsets":)" + offsets + "}"),
                                             data));
  };
  EXPECT_THAT(shape_error("[1099511627776,1099511627776]"),
              HasSubstr("tensor 'w' shape [1099511627776, 1099511627776] has 2^64 or more "
                        "elements"));
  EXPECT_THAT(shape_error("[4611686018427387905]"),
              HasSubstr("shape [4611686018427387905] of F32 takes 2^64 or more bytes"));
  EXPECT_THAT(shape_error("[-1]"),
              HasSubstr("tensor 'w' shape[0] is the integer -1, expected an integer from 0"));
  EXPECT_THAT(shape_error("[4.0]"), HasSubstr("shape[0] is the number 4.0"));
  EXPECT_THAT(shape_error("[2,1e1]"), HasSubstr("shape[1] is the number"));
  EXPECT_THAT(shape_error("[\"4\"]"), HasSubstr("shape[0] is a string"));
  EXPECT_THAT(shape_error("[18446744073709551616]"), HasSubstr("not valid JSON"));
  EXPECT_THAT(shape_error("[1,1,1,1,1,1,1,1,1]"),
              HasSubstr("tensor 'w' has rank 9, over the limit of 8"));
  EXPECT_TRUE(shape_error("[1,1,1,1,1,1,1,4]").empty()) << "rank 8 is fine";
  EXPECT_THAT(shape_error("[4]", "[0,12]"),
              HasSubstr("tensor 'w' shape [4] of F32 takes 16 bytes, but its data_offsets [0, 12] "
                        "hold 12"));
}

TEST(SafetensorsFileTest, RefusesBadOffsets) {
  auto offsets_error = [](const std::string& offsets) {
    static const std::string data = Pattern(16);
    return SafetensorsError(SafetensorsBytes(
        OneTensorHeader(R"({"dtype":"F32","shape":[4],"data_offsets":)" + offsets + "}"), data));
  };
  EXPECT_THAT(offsets_error("[16,0]"),
              HasSubstr("tensor 'w' data_offsets [16, 0] end before they begin"));
  EXPECT_THAT(offsets_error("[0,16,16]"),
              HasSubstr("tensor 'w' data_offsets has 3 elements, expected 2"));
  EXPECT_THAT(offsets_error("[0]"), HasSubstr("data_offsets has 1 elements, expected 2"));
  EXPECT_THAT(offsets_error("{}"), HasSubstr("data_offsets is an object, expected an array"));
  EXPECT_THAT(offsets_error("[0,-16]"), HasSubstr("data_offsets[1] is the integer -16"));
  EXPECT_THAT(offsets_error("[18446744073709551615,15]"), HasSubstr("end before they begin"));
}

// The ranges must tile the data region exactly.
TEST(SafetensorsFileTest, RefusesGapsOverlapsAndSlack) {
  auto layout_error = [](const std::string& a, const std::string& b, size_t data_size) {
    static const std::string data = Pattern(64);
    std::string header = R"({"a":{"dtype":"I8","shape":[8],"data_offsets":)" + a + "}";
    if (!b.empty()) header += R"(,"b":{"dtype":"I8","shape":[8],"data_offsets":)" + b + "}";
    return SafetensorsError(SafetensorsBytes(header + "}", data.substr(0, data_size)));
  };
  EXPECT_TRUE(layout_error("[8,16]", "[0,8]", 16).empty()) << "any header order";
  EXPECT_THAT(layout_error("[0,8]", "[4,12]", 12),
              HasSubstr("tensor 'b' (bytes 4 to 12) overlaps tensor 'a' (bytes 0 to 8)"));
  EXPECT_THAT(layout_error("[0,8]", "[0,8]", 8), HasSubstr("overlaps"));
  EXPECT_THAT(layout_error("[0,8]", "[12,20]", 20),
              HasSubstr("bytes 8 to 12 of the data region belong to no tensor (a gap between "
                        "tensor 'a' and tensor 'b')"));
  EXPECT_THAT(layout_error("[4,12]", "", 12),
              HasSubstr("the data region must start with a tensor, but the first, tensor 'a', "
                        "starts at byte 4"));
  EXPECT_THAT(layout_error("[0,8]", "", 4),
              HasSubstr("tensor 'a' (bytes 0 to 8) runs past the end of the data region (4 "
                        "bytes)"));
  EXPECT_THAT(layout_error("[0,8]", "", 12),
              HasSubstr("4 bytes after the last tensor, tensor 'a' (bytes 0 to 8), belong to no "
                        "tensor"));
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("{}", "abcd")),
              HasSubstr("the header lists no tensors, but 4 bytes follow it"));
}

TEST(SafetensorsFileTest, RefusesBadNames) {
  const std::string data = Pattern(16);
  EXPECT_THAT(SafetensorsError(SafetensorsBytes("{\"\":{" + Entry16() + "}}", data)),
              HasSubstr("a tensor has an empty name"));
  const std::string longest = "{\"" + std::string(1024, 'n') + "\":{" + Entry16() + "}}";
  const std::string longest_bytes = SafetensorsBytes(longest, data);
  EXPECT_TRUE(ParseSafetensors(longest_bytes).ok());
  const std::string too_long = "{\"" + std::string(1025, 'n') + "\":{" + Entry16() + "}}";
  EXPECT_THAT(SafetensorsError(SafetensorsBytes(too_long, data)),
              HasSubstr("has a name of 1025 bytes, over the limit of 1024"));
}

class SafetensorsOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bastion_safetensors_open_test_" + std::to_string(::getpid()));
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

TEST_F(SafetensorsOpenTest, MapsFilesAndViewsSurviveMoves) {
  const std::string data = Pattern(23);
  std::string path = Write("m.safetensors", SafetensorsBytes(kHeader, data));
  auto opened = SafetensorsFile::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  SafetensorsFile file = std::move(opened).value();
  SafetensorsFile moved = std::move(file);
  EXPECT_EQ(moved.origin(), path);
  const SafetensorsTensor* b = moved.Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->data.data(), moved.bytes().data() + moved.data_offset() + 16);
  EXPECT_EQ(b->data[5], static_cast<uint8_t>(data[21]));
}

TEST_F(SafetensorsOpenTest, ExplainsUnopenableAndInvalidFiles) {
  auto missing = SafetensorsFile::Open((dir_ / "missing.safetensors").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  auto empty = SafetensorsFile::Open(Write("empty.safetensors", ""));
  EXPECT_THAT(empty.status().message(), HasSubstr("is empty"));
  EXPECT_FALSE(SafetensorsFile::Open(dir_.string()).ok());
  std::string path = Write("bad.safetensors", SafetensorsBytes("{}", "x"));
  auto bad = SafetensorsFile::Open(path);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "safetensors: " + path + ": the header lists no tensors, but 1 bytes follow it");
}

}  // namespace
}  // namespace bastion::model
