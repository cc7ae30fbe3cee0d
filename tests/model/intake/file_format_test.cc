// Files are judged by their bytes; a name only ever adds suspicion.
#include "model/intake/file_format.h"

#include <gtest/gtest.h>

#include <string>

namespace bastion::model {
namespace {

FileFormat Sniff(std::string_view bytes, std::string_view name = "file") {
  return SniffFormat({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, name);
}

TEST(FileFormatTest, KnowsFormatsByTheirBytes) {
  EXPECT_EQ(Sniff(""), FileFormat::kEmpty);
  EXPECT_EQ(Sniff("GGUF\x03\0\0\0", "model.safetensors"), FileFormat::kGguf);
  EXPECT_EQ(Sniff(std::string("\x02\0\0\0\0\0\0\0{}", 10)), FileFormat::kSafetensors);
  EXPECT_EQ(Sniff("\x80\x02}q\0.", "model.safetensors"), FileFormat::kPickle);  // renamed
  EXPECT_EQ(Sniff("PK\x03\x04rest", "weights.txt"), FileFormat::kZip);
  EXPECT_EQ(Sniff("\x93NUMPY\x01\0"), FileFormat::kNpy);
  EXPECT_EQ(Sniff("\x7f"
                  "ELF\x02\x01"),
            FileFormat::kNativeCode);
  EXPECT_EQ(Sniff("\x89HDF\r\n\x1a\n"), FileFormat::kHdf5);
  EXPECT_EQ(Sniff("#!/bin/sh\nrm -rf /\n", "setup"), FileFormat::kScript);
  EXPECT_EQ(Sniff("  {\"a\": 1}", "config.json"), FileFormat::kJson);
  EXPECT_EQ(Sniff("# Model card\nMIT licence, 日本語\n", "README.md"), FileFormat::kText);
  EXPECT_EQ(Sniff("\xff\xfe\0\x01", "tokenizer.model"), FileFormat::kUnknownBinary);
  EXPECT_EQ(Sniff("\xe6\x97", "cut.txt"), FileFormat::kUnknownBinary);  // UTF-8 cut short
}

TEST(FileFormatTest, AZipAppendedToOtherBytesIsStillAZip) {
  std::string polyglot = "GIF89a some image bytes ";
  polyglot += std::string("PK\x05\x06", 4) + std::string(18, '\0');  // an empty zip's end
  EXPECT_EQ(Sniff(polyglot, "cat.gif"), FileFormat::kZip);
}

TEST(FileFormatTest, PythonFilesAreCodeWhateverTheyHold) {
  EXPECT_EQ(Sniff("{}", "modeling_deepseek.py"), FileFormat::kPythonSource);
  EXPECT_EQ(Sniff("", "__init__.py"), FileFormat::kPythonSource);  // a package of remote code
}

TEST(FileFormatTest, SafetensorsNeedsAHeaderThatFits) {
  EXPECT_NE(Sniff(std::string("\xff\0\0\0\0\0\0\0{}", 10)), FileFormat::kSafetensors);
}

}  // namespace
}  // namespace bastion::model
