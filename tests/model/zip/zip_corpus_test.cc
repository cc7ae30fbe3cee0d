// The committed fuzz corpus (tests/fuzz_corpus/zip, from make_fuzz_corpus.py): valid archives
// read without a warning, each trick yields the high or medium finding it was built for, and
// each error_* archive is refused with the error it was built for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "model/zip/zip_archive.h"
#include "model/zip/zip_test_writer.h"

namespace bastion::model {
namespace {

// File name -> the finding it must produce (a rule) or the error it must fail with.
const std::map<std::string, std::string> kExpected = {
    {"name_mismatch", "zip.name_mismatch"},
    {"duplicate_entry", "zip.duplicate_entry"},
    {"duplicate_entry_case", "zip.duplicate_entry"},
    {"path_escape_dotdot", "zip.path_escape"},
    {"path_escape_absolute", "zip.path_escape"},
    {"path_escape_backslash", "zip.path_escape"},
    {"bad_name_nul", "zip.bad_name"},
    {"encrypted", "zip.encrypted"},
    {"bad_crc", "zip.bad_crc"},
    {"bad_crc_local", "zip.bad_crc"},
    {"bad_crc_deflated", "zip.bad_crc"},
    {"unsupported_method", "zip.unsupported_method"},
    {"header_mismatch_method", "zip.header_mismatch"},
    {"size_mismatch_stored", "zip.size_mismatch"},
    {"size_mismatch_local", "zip.size_mismatch"},
    {"size_mismatch_inflates_past", "zip.size_mismatch"},
    {"size_mismatch_ratio", "zip.size_mismatch"},
    {"bad_deflate", "zip.bad_deflate"},
    {"bad_deflate_hidden_tail", "zip.bad_deflate"},
    {"data_descriptor_wrong", "zip.data_descriptor"},
    {"overlapping_entries", "zip.overlapping_entries"},
    {"prefix_data", "zip.prefix_data"},
    {"trailing_data", "zip.trailing_data"},
    {"unclaimed_data", "zip.unclaimed_data"},
    {"entry_count_mismatch", "zip.entry_count_mismatch"},
    {"multiple_eocd", "zip.multiple_eocd"},
    {"eocd_mismatch", "zip.eocd_mismatch"},
    {"directory_offset_mismatch", "zip.directory_offset_mismatch"},
    {"truncated_comment", "zip.truncated_comment"},
    {"bad_extra_field", "zip.bad_extra_field"},
    {"bad_extra_field_zip64_twice", "zip.bad_extra_field"},
    {"bad_local_header", "zip.bad_local_header"},
    {"entry_out_of_bounds", "zip.entry_out_of_bounds"},
    {"error_no_eocd", "no end of central directory record"},
    {"error_directory_past_end", "does not fit before the end record"},
    {"error_zip64_locator_dangling", "ZIP64"},
    {"error_bad_directory_entry", "entry #1 at byte 47 of the directory is truncated"},
};

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ZipCorpusTest, EachFileMeetsTheCheckItWasBuiltFor) {
  std::filesystem::path dir = std::filesystem::path(BASTION_SOURCE_DIR) / "tests/fuzz_corpus/zip";
  size_t valid = 0;
  size_t checked = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    std::string name = file.path().filename().string();
    std::string bytes = Slurp(file.path());
    EXPECT_LT(bytes.size(), 4096u) << name;
    auto a = testing::ReadTestZip(bytes);
    if (name.rfind("valid_", 0) == 0) {
      ASSERT_TRUE(a.ok()) << name << ": " << a.status().message();
      EXPECT_TRUE(testing::Rules(*a).empty()) << name << ": " << a->findings[0].detail;
      ++valid;
      continue;
    }
    auto expected = kExpected.find(name);
    ASSERT_NE(expected, kExpected.end()) << "nothing expected of " << name;
    ++checked;
    if (name.rfind("error_", 0) == 0) {
      ASSERT_FALSE(a.ok()) << name;
      EXPECT_NE(a.status().message().find(expected->second), std::string::npos)
          << name << ": " << a.status().message();
      continue;
    }
    ASSERT_TRUE(a.ok()) << name << ": " << a.status().message();
    const Finding* f = testing::FindRule(*a, expected->second);
    ASSERT_NE(f, nullptr) << name << ": " << ::testing::PrintToString(testing::Rules(*a));
    EXPECT_GE(f->severity, Severity::kMedium) << name;
  }
  EXPECT_EQ(valid, 5u);
  EXPECT_EQ(checked, kExpected.size());
}

}  // namespace
}  // namespace bastion::model
