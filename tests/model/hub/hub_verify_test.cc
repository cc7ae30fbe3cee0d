#include "model/hub/hub_verify.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace bastion::model {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(HubVerifyTest, GitBlobIdMatchesGit) {
  // `printf 'hello\n' | git hash-object --stdin` and the empty blob.
  auto hello = GitBlobSha1File(WriteTemp("bastion_hub_hello", "hello\n"));
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(*hello, "ce013625030ba8dba906f756967f9e9ca394464a");
  auto empty = GitBlobSha1File(WriteTemp("bastion_hub_empty", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

TEST(HubVerifyTest, ChecksSizeAndDigest) {
  std::string path = WriteTemp("bastion_hub_verify", "hello\n");
  HubFile plain{.path = "README.md", .size = 6, .oid = "ce013625030ba8dba906f756967f9e9ca394464a"};
  EXPECT_TRUE(VerifyHubFile(path, plain).ok());
  HubFile wrong_size = plain;
  wrong_size.size = 7;
  EXPECT_EQ(VerifyHubFile(path, wrong_size).code(), StatusCode::kFailedPrecondition);
  HubFile lfs = plain;
  lfs.lfs_sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  EXPECT_TRUE(VerifyHubFile(path, lfs).ok());
  lfs.lfs_sha256[0] = '6';
  Status bad = VerifyHubFile(path, lfs);
  EXPECT_EQ(bad.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(bad.message().find("README.md"), std::string::npos);
}

}  // namespace
}  // namespace bastion::model
