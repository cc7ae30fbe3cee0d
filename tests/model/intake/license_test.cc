// Which DeepSeek release a folder or file is, and what its licence asks of whoever serves it.
#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>

#include "common/temp_dir.h"
#include "model/gguf/gguf_writer.h"
#include "model/intake/license_identify.h"
#include "model/intake/license_policy.h"

namespace bastion::model {
namespace {

namespace fs = std::filesystem;

class LicenseTest : public ::testing::Test {
 protected:
  fs::path Folder(const std::string& name, const std::string& config) {
    fs::create_directories(root_ / name);
    std::ofstream(root_ / name / "config.json") << config;
    return root_ / name;
  }
  LicenseReport Identify(const fs::path& path) {
    auto r = IdentifyLicense(path.string());
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : LicenseReport{};
  }
  bastion::testing::TempDir tmp_{"bastion_license_test_"};
  const fs::path& root_ = tmp_.path();
};

std::string Config(std::string_view arch, int hidden, int layers, std::string_view name = "") {
  std::string c = R"({"architectures":[")" + std::string(arch) + R"("],"hidden_size":)" +
                  std::to_string(hidden) + R"(,"num_hidden_layers":)" + std::to_string(layers);
  if (!name.empty()) c += R"(,"_name_or_path":")" + std::string(name) + "\"";
  return c + "}";
}

bool Mentions(const std::vector<std::string>& lines, std::string_view text) {
  for (const std::string& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_F(LicenseTest, DistillsCarryTheirBaseModelsLicences) {
  auto r = Identify(Folder(
      "a", Config("LlamaForCausalLM", 4096, 32, "deepseek-ai/DeepSeek-R1-Distill-Llama-8B")));
  ASSERT_NE(r.release, nullptr);
  EXPECT_EQ(r.release->name, "DeepSeek-R1-Distill-Llama-8B");
  EXPECT_EQ(r.identified_by, "name");
  EXPECT_EQ(r.release->license, "MIT AND Llama-3.1");
  ASSERT_EQ(r.release->upstream.size(), 1u);
  EXPECT_EQ(r.release->upstream[0].name, "Llama-3.1-8B");
  bool built_with_llama = false;
  for (auto o : r.release->obligations) built_with_llama |= o.find("Built with Llama") != o.npos;
  EXPECT_TRUE(built_with_llama);
  EXPECT_TRUE(r.caveats.empty());
}

TEST_F(LicenseTest, AShapeAloneIdentifiesOnlyWhenOneReleaseHasIt) {
  auto qwen = Identify(Folder("b", Config("Qwen2ForCausalLM", 5120, 48)));
  ASSERT_NE(qwen.release, nullptr);
  EXPECT_EQ(qwen.release->name, "DeepSeek-R1-Distill-Qwen-14B");
  EXPECT_EQ(qwen.identified_by, "shape");
  // V3, V3-0324, R1 and R1-0528 share a shape; V3's licence is not MIT.
  auto v3 = Identify(Folder("c", Config("DeepseekV3ForCausalLM", 7168, 61)));
  EXPECT_EQ(v3.release, nullptr);
  EXPECT_EQ(v3.candidates.size(), 4u);
  EXPECT_TRUE(Mentions(v3.caveats, "several releases"));
}

TEST_F(LicenseTest, DatedReleasesAreNotTheirPredecessors) {
  auto r = Identify(
      Folder("d", Config("DeepseekV3ForCausalLM", 7168, 61, "deepseek-ai/DeepSeek-V3-0324")));
  ASSERT_NE(r.release, nullptr);
  EXPECT_EQ(r.release->name, "DeepSeek-V3-0324");
  EXPECT_EQ(r.release->license, "MIT");
  auto v3 =
      Identify(Folder("e", Config("DeepseekV3ForCausalLM", 7168, 61, "deepseek-ai/DeepSeek-V3")));
  ASSERT_NE(v3.release, nullptr);
  EXPECT_EQ(v3.release->license, "DeepSeek-License");
  EXPECT_TRUE(Mentions({std::string(v3.release->obligations[0])}, "Attachment A"));
}

TEST_F(LicenseTest, DisagreementsBecomeCaveats) {
  // The name and the weights disagree.
  auto r = Identify(Folder("f", Config("Qwen2ForCausalLM", 1536, 28, "deepseek-ai/DeepSeek-R1")));
  EXPECT_TRUE(Mentions(r.caveats, "is not its shape"));
  // A LICENSE that is not the release's.
  fs::path dir = Folder("g", Config("Qwen2ForCausalLM", 1536, 28));
  std::ofstream(dir / "LICENSE") << "DEEPSEEK LICENSE AGREEMENT\nVersion 1.0, 23 October 2023\n";
  std::ofstream(dir / "README.md") << "---\nlicense: mit\nlibrary_name: transformers\n---\n# x\n";
  auto g = Identify(dir);
  ASSERT_NE(g.release, nullptr);
  EXPECT_EQ(g.declared.size(), 2u);
  EXPECT_TRUE(Mentions(g.caveats, "LICENSE says 'DeepSeek-License'"));
  EXPECT_FALSE(Mentions(g.caveats, "README.md license"));  // mit agrees
}

TEST_F(LicenseTest, HuggingFaceCacheFoldersNameTheRepo) {
  fs::path snapshot = root_ / "models--deepseek-ai--DeepSeek-R1-Distill-Qwen-7B/snapshots/0a1b2c";
  fs::create_directories(snapshot);
  std::ofstream(snapshot / "config.json") << Config("Qwen2ForCausalLM", 3584, 28);
  auto r = Identify(snapshot);
  ASSERT_NE(r.release, nullptr);
  EXPECT_EQ(r.release->name, "DeepSeek-R1-Distill-Qwen-7B");
  EXPECT_EQ(r.identified_by, "name");
}

TEST_F(LicenseTest, AGgufLicenceKeyAloneProvesNothing) {
  GgufWriter w;
  w.AddString("general.architecture", "llama");
  w.AddString("general.name", "Some Finetune");
  w.AddString("general.license", "mit");
  auto bytes = w.Finish();
  ASSERT_TRUE(bytes.ok());
  std::ofstream(root_ / "x.gguf", std::ios::binary) << *bytes;
  auto r = Identify(root_ / "x.gguf");
  EXPECT_EQ(r.release, nullptr);
  EXPECT_TRUE(Mentions(r.caveats, "whoever converted the file"));
  EXPECT_EQ(IdentifyLicense((root_ / "missing").string()).status().code(), StatusCode::kNotFound);
}

TEST_F(LicenseTest, ThePolicyAdmitsOnlyAllowedLicences) {
  const std::string llama =
      Folder("p", Config("LlamaForCausalLM", 4096, 32, "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"))
          .string();
  const std::vector<std::string> mit{"MIT"}, both{"MIT", "Llama-3.1"};
  EXPECT_TRUE(CheckLicensePolicy(llama, {}).ok());  // no policy
  const Status refused = CheckLicensePolicy(llama, mit);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("Llama-3.1 is not in [licenses] allow"), std::string::npos)
      << refused.message();
  EXPECT_TRUE(CheckLicensePolicy(llama, both).ok());
  const std::string unknown = Folder("q", Config("MistralForCausalLM", 4096, 32)).string();
  EXPECT_NE(CheckLicensePolicy(unknown, both).message().find("not identified"), std::string::npos);
}

TEST(LicenseTextTest, RecognisesTheLicencesItNames) {
  EXPECT_EQ(ClassifyLicenseText("MIT License\n\nCopyright (c) 2023 DeepSeek\n\nPermission is "
                                "hereby granted,\n free of charge, to any person"),
            "MIT");
  EXPECT_EQ(ClassifyLicenseText("                                 Apache License\n"
                                "                           Version 2.0, January 2004"),
            "Apache-2.0");
  EXPECT_EQ(ClassifyLicenseText("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT"), "Llama-3.1");
  EXPECT_EQ(ClassifyLicenseText("All rights reserved."), "");
}

}  // namespace
}  // namespace bastion::model
