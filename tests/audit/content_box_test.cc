#include "audit/content_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "audit/key_file.h"
#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;

TEST(ContentBoxTest, OnlyTheAuditorsSecretKeyOpensSealedContent) {
  AuditorKeyPair auditor = MakeAuditorKeyPair();
  std::string sealed = Seal(auditor.public_key, R"({"prompt":"canary-7f3a"})");
  EXPECT_TRUE(sealed.starts_with("sealed:v1:"));
  EXPECT_EQ(sealed.find("canary"), std::string::npos);
  auto opened = Unseal(auditor.public_key, auditor.secret_key, sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*opened, R"({"prompt":"canary-7f3a"})");

  AuditorKeyPair other = MakeAuditorKeyPair();
  auto wrong = Unseal(other.public_key, other.secret_key, sealed);
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
}

TEST(ContentBoxTest, SealingTwiceGivesDifferentBoxes) {
  AuditorKeyPair auditor = MakeAuditorKeyPair();
  EXPECT_NE(Seal(auditor.public_key, "same"), Seal(auditor.public_key, "same"));
}

TEST(ContentBoxTest, DamagedOrForeignContentIsRefused) {
  AuditorKeyPair auditor = MakeAuditorKeyPair();
  std::string sealed = Seal(auditor.public_key, "text");
  std::string flipped = sealed;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Unseal(auditor.public_key, auditor.secret_key, flipped).ok());
  EXPECT_FALSE(Unseal(auditor.public_key, auditor.secret_key, "plain text").ok());
  EXPECT_FALSE(Unseal(auditor.public_key, auditor.secret_key, "sealed:v1:!!!").ok());
  EXPECT_FALSE(Unseal(auditor.public_key, auditor.secret_key, "sealed:v1:").ok());
}

TEST(ContentBoxTest, KeyPairFilesRoundTripAndAreNeverOverwritten) {
  TempDir dir("bastion-auditor-keys");
  std::string prefix = (dir / "auditor").string();
  AuditorKeyPair pair = MakeAuditorKeyPair();
  ASSERT_TRUE(WriteAuditorKeyPair(pair, prefix).ok());
  struct stat st {};
  ASSERT_EQ(::stat((prefix + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto pub = ReadKeyFile(prefix + ".pub");
  auto key = ReadKeyFile(prefix + ".key");
  ASSERT_TRUE(pub.ok() && key.ok());
  EXPECT_EQ(*pub, pair.public_key);
  EXPECT_EQ(*key, pair.secret_key);
  EXPECT_EQ(WriteAuditorKeyPair(MakeAuditorKeyPair(), prefix).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadKeyFile(prefix + ".key"), pair.secret_key);
}

TEST(KeyFileTest, MalformedAndMissingFilesSayWhat) {
  TempDir dir("bastion-key-file");
  dir.Write("short", "abcd\n");
  dir.Write("nothex", std::string(64, 'z') + "\n");
  EXPECT_EQ(ReadKeyFile((dir / "missing").string()).status().code(), StatusCode::kNotFound);
  auto short_key = ReadKeyFile((dir / "short").string());
  EXPECT_EQ(short_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(short_key.status().message().find("64 hex digits"), std::string::npos);
  EXPECT_FALSE(ReadKeyFile((dir / "nothex").string()).ok());
}

}  // namespace
}  // namespace bastion::audit
