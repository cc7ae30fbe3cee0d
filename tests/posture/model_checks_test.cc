// model.*: the intake record, the files' version and licence, their formats and code.
#include <gtest/gtest.h>

#include <filesystem>

#include "posture/config_checks.h"
#include "posture/doctor_fixtures.h"

namespace bastion::posture {
namespace {

class ModelChecksTest : public ::testing::Test {
 protected:
  void SetUp() override { config_ = testing::GoodConfig(dir_.path().string()); }

  CheckItem Item(const std::string& id) {
    Checklist list;
    CheckModels(config_, list);
    const CheckItem* item = list.Find(id);
    EXPECT_NE(item, nullptr) << id;
    return item ? *item : CheckItem{};
  }

  bastion::testing::TempDir dir_{"bastion_doctor_models_"};
  Config config_;
};

TEST_F(ModelChecksTest, AVerifiedModelPasses) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  for (const char* id : {"model.verified:r1", "model.version:r1", "model.license:r1",
                         "model.format:r1", "model.remote_code:r1"}) {
    const CheckItem item = Item(id);
    EXPECT_EQ(item.status, CheckStatus::kPass) << id << ": " << item.detail;
  }
  EXPECT_NE(Item("model.version:r1")
                .detail.find("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B@0123456789abcdef"),
            std::string::npos);
  EXPECT_NE(Item("model.license:r1").detail.find("MIT"), std::string::npos);
}

TEST_F(ModelChecksTest, WithoutAnIntakeRecordNothingIsVerified) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  std::filesystem::remove_all(dir_ / ".bastion");
  EXPECT_EQ(Item("model.verified:r1").status, CheckStatus::kFail);
  EXPECT_EQ(Item("model.version:r1").status, CheckStatus::kFail);
  EXPECT_EQ(Item("model.format:r1").status, CheckStatus::kPass);  // the bytes are still judged
}

TEST_F(ModelChecksTest, ChangedFilesFailVerification) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  dir_.Write("config.json", R"({"_name_or_path":"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"} )");
  const CheckItem item = Item("model.verified:r1");
  EXPECT_EQ(item.status, CheckStatus::kFail);
  EXPECT_NE(item.detail.find("config.json"), std::string::npos) << item.detail;
}

TEST_F(ModelChecksTest, LocalFilesHaveNoKnownOrigin) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  ASSERT_TRUE(model::RecordIntake(dir_.path().string(), {}, 1).ok());
  const CheckItem item = Item("model.version:r1");
  EXPECT_EQ(item.status, CheckStatus::kWarn);
  EXPECT_NE(item.fix.find("bastion pull"), std::string::npos);
}

TEST_F(ModelChecksTest, LicencePolicy) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  config_.licenses.allow = {"Apache-2.0"};
  EXPECT_EQ(Item("model.license:r1").status, CheckStatus::kFail);
  config_.licenses.allow.clear();
  const CheckItem any = Item("model.license:r1");
  EXPECT_EQ(any.status, CheckStatus::kWarn);
  EXPECT_NE(any.fix.find("[\"MIT\"]"), std::string::npos) << any.fix;
}

TEST_F(ModelChecksTest, PickleFilesFailTheFormat) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  dir_.Write("pytorch_model.bin", std::string("\x80\x02}q\x00.", 6));  // {} as a pickle
  const CheckItem item = Item("model.format:r1");
  EXPECT_EQ(item.status, CheckStatus::kFail);
  EXPECT_NE(item.detail.find("pytorch_model.bin (pickle)"), std::string::npos) << item.detail;
}

TEST_F(ModelChecksTest, RemoteCodeFails) {
  ASSERT_TRUE(testing::MakeVerifiedModel(dir_).ok());
  dir_.Write("modeling_evil.py", "import os\nos.system('id')\n");
  dir_.Write("config.json", R"({"auto_map":{"AutoModel":"modeling_evil.Model"}})");
  const CheckItem item = Item("model.remote_code:r1");
  EXPECT_EQ(item.status, CheckStatus::kFail);
  EXPECT_NE(item.detail.find("remote_code.python"), std::string::npos) << item.detail;
  EXPECT_NE(item.detail.find("remote_code.auto_map"), std::string::npos) << item.detail;
  EXPECT_EQ(Item("model.verified:r1").status, CheckStatus::kFail);  // files changed since intake
}

TEST_F(ModelChecksTest, NoModelsWarns) {
  config_.models.clear();
  EXPECT_EQ(Item("model.verified").status, CheckStatus::kWarn);
}

}  // namespace
}  // namespace bastion::posture
