// Intake records: written only for models that pass the scan, and checked before loading.
#include "model/intake/intake_record.h"

#include <gtest/gtest.h>
#include <filesystem>

#include "common/temp_dir.h"
#include "model/gguf/gguf_writer.h"

namespace bastion::model {
namespace {

namespace fs = std::filesystem;

class IntakeRecordTest : public ::testing::Test {
 protected:
  void Write(std::string_view name, std::string_view bytes) { tmp_.Write(name, bytes); }
  static std::string Gguf(std::string_view chat_template) {
    GgufWriter w;
    w.AddString("general.architecture", "llama");
    w.AddString("tokenizer.chat_template", chat_template);
    auto bytes = w.Finish();
    return bytes.ok() ? *bytes : "";
  }
  bastion::testing::TempDir tmp_{"bastion_intake_test_"};
  const fs::path& dir_ = tmp_.path();
};

TEST_F(IntakeRecordTest, AFolderIsRecordedAndCheckedAgain) {
  Write("model.gguf", Gguf("{{ m }}"));
  Write("config.json", R"({"_name_or_path":"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"})");
  const std::string dir = dir_.string();
  EXPECT_EQ(CheckIntake(dir, 1, false).code(), StatusCode::kNotFound);
  auto record = RecordIntake(dir, {"https://huggingface.co", "deepseek-ai/x", "main", "abc"}, 2);
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_TRUE(fs::exists(dir_ / ".bastion" / "intake.json"));
  EXPECT_EQ(record->manifest.files.size(), 2u);  // .bastion itself is not listed
  EXPECT_EQ(record->license_model, "DeepSeek-R1-Distill-Qwen-7B");
  auto read = ReadIntakeRecord(dir);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->manifest.files, record->manifest.files);
  EXPECT_EQ(read->mtimes_ns, record->mtimes_ns);
  EXPECT_EQ(read->source.commit, "abc");
  EXPECT_TRUE(CheckIntake(dir, 2, false).ok());
  EXPECT_TRUE(CheckIntake(dir, 2, true).ok());

  Write("extra.py", "import os");
  EXPECT_NE(CheckIntake(dir, 2, true).message().find("extra extra.py"), std::string::npos);
  EXPECT_NE(CheckIntake(dir, 2, false).message().find("extra extra.py"), std::string::npos);
  fs::remove(dir_ / "extra.py");
  Write("config.json", R"({"_name_or_path":"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"} )");
  const Status changed = CheckIntake(dir, 2, false);
  EXPECT_EQ(changed.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(changed.message().find("changed config.json: size"), std::string::npos);
}

TEST_F(IntakeRecordTest, UnsafeModelsGetNoRecord) {
  Write("model.gguf", Gguf("{{ ''.__class__.__mro__ }}"));
  auto record = RecordIntake((dir_ / "model.gguf").string(), {}, 1);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(record.status().message().find("template.code_execution"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "model.gguf.intake.json"));
}

TEST_F(IntakeRecordTest, ASingleFileGetsItsRecordBesideIt) {
  Write("model.gguf", Gguf("{{ m }}"));
  const std::string file = (dir_ / "model.gguf").string();
  ASSERT_TRUE(RecordIntake(file, {}, 1).ok());
  EXPECT_EQ(IntakeRecordPath(file), file + ".intake.json");
  EXPECT_TRUE(CheckIntake(file, 1, false).ok());
  Write("model.gguf", Gguf("{{ n }}"));  // same size, other bytes
  EXPECT_EQ(CheckIntake(file, 1, false).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace bastion::model
