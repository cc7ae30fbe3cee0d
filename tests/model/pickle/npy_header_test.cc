// The .npy header parser and ScanNpy: versions, literal grammar, object arrays, sizes.
#include "model/pickle/npy_header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/pickle/pickle_builder.h"

namespace bastion::model {
namespace {

std::vector<uint8_t> Npy(std::string_view dict, size_t data_bytes, int major = 1) {
  std::string header(dict);
  size_t prefix = major == 1 ? 10 : 12;
  header += std::string((64 - (prefix + header.size() + 1) % 64) % 64, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < prefix - 8; ++i)
    out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out += std::string(data_bytes, '\x01');
  return {out.begin(), out.end()};
}

TEST(NpyHeaderTest, ParsesWhatNumpyWrites) {
  auto h = ParseNpyHeader(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24));
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->descr, "<f4");
  EXPECT_EQ(h->shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(h->data_offset % 64, 0u);
  EXPECT_EQ(h->itemsize, 4u);
  EXPECT_FALSE(h->object_dtype);
  EXPECT_TRUE(
      ScanNpy(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24)).empty());
  EXPECT_TRUE(ScanNpy(Npy("{'descr': '<U2', 'fortran_order': True, 'shape': (), }", 8, 3)).empty());
}

TEST(NpyHeaderTest, SizeMismatchIsAFinding) {
  auto findings = ScanNpy(Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", 39));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "npy.size_mismatch");
  auto huge = ScanNpy(
      Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0, 2));
  ASSERT_EQ(huge.size(), 1u);
  EXPECT_EQ(huge[0].rule, "npy.size_mismatch");
}

TEST(NpyHeaderTest, ObjectArraysAreScannedAsPickles) {
  std::vector<uint8_t> file = Npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 0);
  testing::PickleBuilder payload;
  payload.Proto(2).CallGlobal("os", "system", "id").Stop();
  file.insert(file.end(), payload.bytes().begin(), payload.bytes().end());
  auto findings = ScanNpy(file);
  EXPECT_NE(testing::FindFinding(findings, "npy.object_array"), nullptr);
  EXPECT_NE(testing::FindFinding(findings, "pickle.dangerous_import", "os.system"), nullptr);

  auto structured = ParseNpyHeader(
      Npy("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }", 0));
  ASSERT_TRUE(structured.ok()) << structured.status().message();
  EXPECT_TRUE(structured->structured);
  EXPECT_TRUE(structured->object_dtype);
}

TEST(NpyHeaderTest, RefusesBrokenHeaders) {
  for (std::string_view dict : {"{'descr': '<f4', 'fortran_order': False}",
                                "{'descr': '<f4', 'fortran_order': 0, 'shape': ()}",
                                "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
                                "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False}",
                                "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
                                "{'descr': [('a', '<f4'), 'fortran_order': False, 'shape': ()}",
                                "{'descr': '<f4\\x', 'fortran_order': False, 'shape': ()}", "[]"}) {
    auto h = ParseNpyHeader(Npy(dict, 0));
    EXPECT_FALSE(h.ok()) << dict;
  }
  std::vector<uint8_t> file = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4);
  for (size_t n = 0; n < 64; ++n) {
    EXPECT_FALSE(ParseNpyHeader(std::span<const uint8_t>(file.data(), n)).ok()) << n;
  }
  file[6] = 4;  // version 4.0
  EXPECT_FALSE(ParseNpyHeader(file).ok());
  std::vector<uint8_t> big = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xff, 0xff, 0xff, 0xff};
  auto h = ParseNpyHeader(big);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("exceeds the limit"), std::string::npos);
  EXPECT_EQ(ScanNpy(big).at(0).rule, "npy.malformed");
}

}  // namespace
}  // namespace bastion::model
