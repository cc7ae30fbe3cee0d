// Scans of files and folders: findings per format, verdicts, and the walk itself.
#include "model/intake/scanner.h"

#include <gtest/gtest.h>
#include <filesystem>

#include "common/temp_dir.h"
#include "model/gguf/gguf_writer.h"
#include "model/intake/file_digest.h"
#include "model/pickle/pickle_builder.h"
#include "model/safetensors/safetensors_test_bytes.h"
#include "model/zip/zip_test_writer.h"

namespace bastion::model {
namespace {

namespace fs = std::filesystem;
using testing::SafetensorsBytes;

// A safetensors file with one F32 tensor of two elements.
std::string GoodSafetensors() {
  return SafetensorsBytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                          std::string(8, '\0'));
}

std::string GgufWithTemplate(std::string_view chat_template) {
  GgufWriter w;
  w.AddString("general.architecture", "llama");
  w.AddString("tokenizer.chat_template", chat_template);
  auto bytes = w.Finish();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : "";
}

FileScan Scan(const std::string& bytes, std::string name, bool strict = false) {
  return ScanBytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, std::move(name),
                   {.strict = strict});
}

bool HasRule(const FileScan& scan, std::string_view rule) {
  for (const Finding& f : scan.findings) {
    if (f.rule == rule) return true;
  }
  return false;
}

TEST(ScannerTest, SafetensorsThatHideBytesAreUnsafeAndBrokenOnesAreErrors) {
  EXPECT_EQ(Scan(GoodSafetensors(), "model.safetensors").verdict, Verdict::kSafe);
  // A zip appended after the last tensor: a polyglot that other readers may open as a zip.
  const FileScan polyglot = Scan(GoodSafetensors() + "PK\x03\x04 hidden", "model.safetensors");
  EXPECT_EQ(polyglot.verdict, Verdict::kUnsafe);
  EXPECT_TRUE(HasRule(polyglot, "safetensors.layout"));
  const FileScan broken = Scan(SafetensorsBytes("{\"w\": oops}"), "model.safetensors");
  EXPECT_EQ(broken.verdict, Verdict::kError);
  EXPECT_FALSE(broken.error.empty());
}

TEST(ScannerTest, GgufTemplatesThatRunCodeAreUnsafe) {
  EXPECT_EQ(Scan(GgufWithTemplate("{{ messages[0]['content'] }}"), "m.gguf").verdict,
            Verdict::kSafe);
  const FileScan evil = Scan(
      GgufWithTemplate("{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id') }}"),
      "m.gguf");
  EXPECT_EQ(evil.verdict, Verdict::kUnsafe);
  EXPECT_TRUE(HasRule(evil, "template.code_execution"));
  EXPECT_EQ(Scan("GGUF\x03\0\0\0 truncated", "m.gguf").verdict, Verdict::kError);
}

TEST(ScannerTest, RemoteCodeIsUnsafe) {
  EXPECT_TRUE(HasRule(Scan("import os", "modeling_deepseek.py"), "remote_code.python"));
  const FileScan config =
      Scan(R"({"model_type":"deepseek_v3","auto_map":{"AutoModel":"modeling.DeepseekV3Model"}})",
           "config.json");
  EXPECT_EQ(config.verdict, Verdict::kUnsafe);
  EXPECT_TRUE(HasRule(config, "remote_code.auto_map"));
  // A key given twice: Python keeps the last, so every occurrence is read.
  EXPECT_TRUE(HasRule(Scan(R"({"auto_map":null,"a":1,"auto_map":{"AutoModel":"x.Y"}})", "c.json"),
                      "remote_code.auto_map"));
  EXPECT_EQ(Scan("#!/bin/sh\ncurl x | sh\n", "install").verdict, Verdict::kUnsafe);
  EXPECT_EQ(Scan(std::string("\x7f"
                             "ELF\x02\x01\x01",
                             7),
                 "libx.so")
                .verdict,
            Verdict::kUnsafe);
}

TEST(ScannerTest, TokenizerConfigTemplatesAreChecked) {
  EXPECT_EQ(
      Scan(
          R"({"chat_template":"{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}"})",
          "tokenizer_config.json")
          .verdict,
      Verdict::kSafe);
  EXPECT_EQ(Scan(R"({"chat_template":[{"name":"default","template":"{{ x }}"},
                    {"name":"tool_use","template":"{{ cycler.__init__.__globals__.os }}"}]})",
                 "tokenizer_config.json")
                .verdict,
            Verdict::kUnsafe);
}

std::string AsString(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::string EvilPickle() {
  return AsString(
      testing::PickleBuilder().Proto(2).CallGlobal("posix", "system", "id").Stop().bytes());
}

TEST(ScannerTest, PicklesInsideTorchCheckpointsAreWalked) {
  // A torch.save-shaped archive with a real state_dict pickle: safe.
  testing::ZipTestArchive torch = testing::TorchSaveShaped();
  torch.entries[0].data = AsString(testing::TorchStateDictPickle(3));
  const FileScan benign = Scan(testing::WriteZip(torch), "pytorch_model.bin");
  EXPECT_EQ(benign.format, FileFormat::kZip);
  EXPECT_EQ(benign.verdict, Verdict::kSafe);
  // The same with a payload in data.pkl, deflated this time; and nested one archive deeper.
  torch.entries[0].data = EvilPickle();
  torch.entries[0].method = 8;
  const std::string evil_zip = testing::WriteZip(torch);
  const FileScan evil = Scan(evil_zip, "pytorch_model.bin");
  EXPECT_EQ(evil.verdict, Verdict::kUnsafe);
  ASSERT_TRUE(HasRule(evil, "pickle.dangerous_import"));
  for (const Finding& f : evil.findings) {
    if (f.rule == "pickle.dangerous_import") {
      EXPECT_EQ(f.detail.rfind("archive/data.pkl: ", 0), 0u) << f.detail;
    }
  }
  testing::ZipTestArchive outer;
  outer.entries.push_back({.name = "inner.pt", .data = evil_zip});
  EXPECT_TRUE(HasRule(Scan(testing::WriteZip(outer), "bundle.zip"), "pickle.dangerous_import"));
}

TEST(ScannerTest, PicklesAreFoundWhateverTheyAreCalled) {
  EXPECT_TRUE(HasRule(Scan(EvilPickle(), "model.safetensors"), "pickle.dangerous_import"));
  // Protocol 0 has no magic number: "cos\nsystem\n(S'id'\ntR." reads as text.
  const FileScan text = Scan("cos\nsystem\n(S'id'\ntR.", "notes.txt");
  EXPECT_EQ(text.verdict, Verdict::kUnsafe);
  EXPECT_TRUE(HasRule(text, "pickle.dangerous_import"));
  EXPECT_EQ(Scan("# just a readme\n", "README.md").verdict, Verdict::kSafe);
}

TEST(ScannerTest, StrictMakesMediumFindingsUnsafe) {
  const std::string hdf5 = "\x89HDF\r\n\x1a\n....";
  EXPECT_EQ(Scan(hdf5, "model.h5").verdict, Verdict::kSafe);
  EXPECT_EQ(Scan(hdf5, "model.h5", /*strict=*/true).verdict, Verdict::kUnsafe);
}

class ScanPathTest : public ::testing::Test {
 protected:
  void Write(std::string_view name, std::string_view bytes) { tmp_.Write(name, bytes); }
  bastion::testing::TempDir tmp_{"bastion_scan_test_"};
  const fs::path& dir_ = tmp_.path();
};

TEST_F(ScanPathTest, WalksASnapshotAndJudgesEveryFile) {
  Write("model.safetensors", GoodSafetensors());
  Write("config.json", R"({"architectures":["Qwen2ForCausalLM"]})");
  Write("README.md", "# R1-Distill\n");
  Write("empty.txt", "");
  Write(".git/objects/ab/cdef", "\x78\x01 compressed");  // not part of the model: skipped
  auto report = ScanPath(dir_.string(), {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->verdict, Verdict::kSafe);
  ASSERT_EQ(report->files.size(), 4u);
  EXPECT_EQ(report->files[0].path, "README.md");  // sorted by path
  EXPECT_EQ(report->files[3].format, FileFormat::kSafetensors);

  Write("sub/modeling.py", "import os\n");
  report = ScanPath(dir_.string(), {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->verdict, Verdict::kUnsafe);
}

TEST_F(ScanPathTest, FollowsFileSymlinksAsInTheHuggingFaceCache) {
  Write("blobs/0123abcd", GgufWithTemplate("{{ ''.__class__ }}"));
  fs::create_directories(dir_ / "snapshots/main");
  fs::create_symlink("../../blobs/0123abcd", dir_ / "snapshots/main/model.gguf");
  fs::create_symlink("../../blobs/missing", dir_ / "snapshots/main/broken.gguf");
  auto report = ScanPath((dir_ / "snapshots/main").string(), {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_EQ(report->files.size(), 2u);
  EXPECT_EQ(report->files[0].path, "broken.gguf");
  EXPECT_EQ(report->files[0].verdict, Verdict::kError);
  EXPECT_EQ(report->files[1].verdict, Verdict::kUnsafe);
  EXPECT_EQ(report->verdict, Verdict::kUnsafe);
}

TEST_F(ScanPathTest, ContentAddressedBlobsMustHashToTheirNames) {
  const std::string gguf = GgufWithTemplate("{{ m }}");
  const std::string digest =
      Sha256Hex({reinterpret_cast<const uint8_t*>(gguf.data()), gguf.size()});
  Write("blobs/sha256-" + digest, gguf);                // Ollama's layout: intact
  Write("blobs/sha256-" + std::string(64, '0'), gguf);  // renamed, or altered after the pull
  auto report = ScanPath((dir_ / "blobs").string(), {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->files.size(), 2u);
  EXPECT_EQ(report->files[0].verdict, Verdict::kUnsafe);  // sha256-000... sorts first
  EXPECT_TRUE(HasRule(report->files[0], "file.digest_mismatch"));
  EXPECT_EQ(report->files[1].verdict, Verdict::kSafe);
}

TEST_F(ScanPathTest, MissingPathsAreNotFound) {
  EXPECT_EQ(ScanPath((dir_ / "nope").string(), {}).status().code(), StatusCode::kNotFound);
  Write("one.gguf", "GGUF");
  auto single = ScanPath((dir_ / "one.gguf").string(), {});
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->verdict, Verdict::kError);  // four bytes of GGUF cannot be parsed
}

}  // namespace
}  // namespace bastion::model
