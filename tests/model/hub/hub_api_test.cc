#include "model/hub/hub_api.h"

#include <gtest/gtest.h>

#include <string>

#include "model/hub/hub_repo.h"

namespace bastion::model {
namespace {

const std::string kSha1 = "0123456789abcdef0123456789abcdef01234567";
const std::string kSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(HubRepoSpecTest, ParsesOrgNameAndRevision) {
  auto spec = ParseHubRepoSpec("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->org, "deepseek-ai");
  EXPECT_EQ(spec->name, "DeepSeek-R1-Distill-Qwen-1.5B");
  EXPECT_EQ(spec->revision, "main");
  auto pinned = ParseHubRepoSpec("deepseek-ai/tiny@refs/pr/1");
  ASSERT_TRUE(pinned.ok());
  EXPECT_EQ(pinned->revision, "refs/pr/1");
  EXPECT_EQ(pinned->repo(), "deepseek-ai/tiny");
}

TEST(HubRepoSpecTest, RefusesBadSyntax) {
  for (const char* bad : {"tiny", "/tiny", "org/", "a/b/c", "org/na me", "org/x@", "org/x@a..b",
                          "../x", "org/.hidden", "org/x@/main", "org/x?y"}) {
    EXPECT_EQ(ParseHubRepoSpec(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(HubApiTest, ParsesTheRevisionSha) {
  auto sha = ParseHubRevision(R"({"id":"deepseek-ai/tiny","sha":")" + kSha1 + R"(","x":[1]})");
  ASSERT_TRUE(sha.ok()) << sha.status().message();
  EXPECT_EQ(*sha, kSha1);
  EXPECT_FALSE(ParseHubRevision(R"({"sha":"ABC"})").ok());
  EXPECT_FALSE(ParseHubRevision(R"({"error":"Revision Not Found"})").ok());
  EXPECT_FALSE(ParseHubRevision("not json").ok());
}

TEST(HubApiTest, ParsesTreeFilesAndLfsEntries) {
  std::string json = R"([{"type":"directory","oid":")" + kSha1 + R"(","size":0,"path":"sub"},
    {"type":"file","oid":")" +
                     kSha1 + R"(","size":12,"path":"config.json"},
    {"type":"file","oid":")" +
                     kSha1 + R"(","size":135,"path":"sub/model.safetensors",
     "lfs":{"oid":")" +
                     kSha256 + R"(","size":4096,"pointerSize":135}}])";
  auto files = ParseHubTree(json);
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, "config.json");
  EXPECT_EQ((*files)[0].size, 12u);
  EXPECT_FALSE((*files)[0].lfs());
  EXPECT_EQ((*files)[1].path, "sub/model.safetensors");
  EXPECT_EQ((*files)[1].size, 4096u);  // the LFS object's size, not the pointer's
  EXPECT_EQ((*files)[1].lfs_sha256, kSha256);
}

TEST(HubApiTest, RefusesUntrustedTreeEntries) {
  auto entry = [&](const std::string& path, const std::string& extra = "") {
    return R"([{"type":"file","oid":")" + kSha1 + R"(","size":1,"path":")" + path + "\"" + extra +
           "}]";
  };
  EXPECT_TRUE(ParseHubTree(entry("ok.json")).ok());
  EXPECT_FALSE(ParseHubTree(entry("../../etc/passwd")).ok());
  EXPECT_FALSE(ParseHubTree(entry("/abs")).ok());
  EXPECT_FALSE(ParseHubTree(entry("a\\\\b")).ok());
  EXPECT_FALSE(ParseHubTree(entry("a\\u0000b")).ok());
  EXPECT_FALSE(ParseHubTree(entry("x", R"(,"lfs":{"oid":"short","size":1})")).ok());
  EXPECT_FALSE(ParseHubTree(R"([{"type":"file","oid":"zz","size":1,"path":"x"}])").ok());
  EXPECT_FALSE(
      ParseHubTree(R"([{"type":"file","oid":")" + kSha1 + R"(","size":-1,"path":"x"}])").ok());
  EXPECT_FALSE(ParseHubTree(R"([{"type":"symlink","path":"x"}])").ok());
  EXPECT_FALSE(ParseHubTree(R"({"files":[]})").ok());
  std::string twice = entry("x");
  twice.pop_back();
  twice += "," + entry("x").substr(1);
  EXPECT_FALSE(ParseHubTree(twice).ok());
}

TEST(HubApiTest, BoundsTheNumberOfEntries) {
  std::string json = "[";
  for (size_t i = 0; i <= kMaxHubFiles; ++i) {
    json += std::string(i ? "," : "") + R"({"type":"directory","path":"d"})";
  }
  json += "]";
  EXPECT_FALSE(ParseHubTree(json).ok());
}

}  // namespace
}  // namespace bastion::model
