#include "audit/signer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "audit/chain.h"
#include "common/temp_dir.h"
#include "model/intake/file_digest.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;

int Mode(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return static_cast<int>(info.st_mode & 0777);
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ChainTest, HashCoversPrevSeqAndEvent) {
  std::string h = ChainHash(kGenesisHash, 1, R"({"v":1})");
  EXPECT_EQ(h, model::Sha256HexOfText("bastion.audit.v1\n" + kGenesisHash + "\n1\n{\"v\":1}"));
  EXPECT_EQ(h.size(), 64u);
  EXPECT_NE(h, ChainHash(kGenesisHash, 2, R"({"v":1})"));
  EXPECT_NE(h, ChainHash(std::string(64, '1'), 1, R"({"v":1})"));
  EXPECT_NE(h, ChainHash(kGenesisHash, 1, R"({"v":2})"));
  EXPECT_EQ(model::Sha256HexOfText(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ChainTest, ChainAfterNumbersAndLinks) {
  int64_t seq = 7;
  std::string hash = std::string(64, 'a');
  std::vector<PendingRecord> batch(3);
  for (int i = 0; i < 3; ++i) batch[i].event = "{\"n\":" + std::to_string(i) + "}";
  std::vector<Record> records = ChainAfter(seq, hash, std::move(batch));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].seq, 8);
  EXPECT_EQ(records[0].prev_hash, std::string(64, 'a'));
  EXPECT_EQ(records[1].prev_hash, records[0].hash);
  EXPECT_EQ(records[2].hash, ChainHash(records[1].hash, 10, records[2].event));
  EXPECT_EQ(seq, 10);
  EXPECT_EQ(hash, records[2].hash);
}

TEST(SignerTest, CreatesPrivateKeyFileAndReloadsIt) {
  TempDir dir("bastion_signer_");
  auto key_path = dir / "keys" / "audit-signing.key";
  auto made = Signer::LoadOrCreate(key_path.string());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(Mode(key_path), 0600);
  EXPECT_EQ(Mode(dir / "keys"), 0700);
  std::string text = ReadAll(key_path);
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), 64u);
  EXPECT_EQ((*made)->public_key().size(), 64u);

  auto again = Signer::LoadOrCreate(key_path.string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->public_key(), (*made)->public_key());
  EXPECT_EQ(ReadAll(key_path), text);
  auto loaded = Signer::Load(key_path.string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->public_key(), (*made)->public_key());
  // No temporary file is left beside the key.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "keys"),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(SignerTest, SameSeedSameKeyDifferentSeedDifferentKey) {
  TempDir dir("bastion_signer_");
  dir.Write("a.key", std::string(64, '1') + "\n");
  dir.Write("b.key", std::string(64, '1'));
  dir.Write("c.key", std::string(64, '2') + "\n");
  for (const char* name : {"a.key", "b.key", "c.key"}) ::chmod((dir / name).c_str(), 0600);
  auto a = Signer::Load((dir / "a.key").string());
  auto b = Signer::Load((dir / "b.key").string());
  auto c = Signer::Load((dir / "c.key").string());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)->public_key(), (*b)->public_key());
  EXPECT_NE((*a)->public_key(), (*c)->public_key());
}

TEST(SignerTest, MissingKeyIsNotFound) {
  TempDir dir("bastion_signer_");
  auto loaded = Signer::Load((dir / "none.key").string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_NE(loaded.status().message().find("none.key"), std::string::npos);
}

TEST(SignerTest, MalformedKeyFilesAreRefusedClearly) {
  TempDir dir("bastion_signer_");
  for (const std::string& bad :
       {std::string("xyz\n"), std::string(63, 'a') + "\n", std::string(66, 'a') + "\n",
        std::string(62, 'a') + "zz\n", std::string()}) {
    dir.Write("bad.key", bad);
    ::chmod((dir / "bad.key").c_str(), 0600);
    auto loaded = Signer::LoadOrCreate((dir / "bad.key").string());
    ASSERT_FALSE(loaded.ok()) << bad;
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(loaded.status().message(),
              "audit signing key " + (dir / "bad.key").string() + ": expected 64 hex digits");
    // A bad key is never replaced by a new one.
    EXPECT_EQ(ReadAll(dir / "bad.key"), bad);
  }
}

TEST(SignerTest, RefusesKeyReadableByOthers) {
  TempDir dir("bastion_signer_");
  dir.Write("open.key", std::string(64, '1') + "\n");
  ::chmod((dir / "open.key").c_str(), 0644);
  auto loaded = Signer::Load((dir / "open.key").string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
}

TEST(SignerTest, SignaturesVerifyAndTamperingFails) {
  TempDir dir("bastion_signer_");
  auto signer = Signer::LoadOrCreate((dir / "s.key").string());
  ASSERT_TRUE(signer.ok());
  std::string hash = ChainHash(kGenesisHash, 1, "{}");
  Checkpoint c = (*signer)->Sign(1, hash, 1234);
  EXPECT_EQ(c.seq, 1);
  EXPECT_EQ(c.hash, hash);
  EXPECT_EQ(c.time_ms, 1234);
  EXPECT_EQ(c.signer, (*signer)->public_key());
  EXPECT_EQ(c.signature.size(), 128u);
  EXPECT_TRUE(CheckpointSignatureValid(c));

  Checkpoint other = c;
  other.seq = 2;
  EXPECT_FALSE(CheckpointSignatureValid(other));
  other = c;
  other.time_ms = 1235;
  EXPECT_FALSE(CheckpointSignatureValid(other));
  other = c;
  other.hash[0] = other.hash[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(CheckpointSignatureValid(other));
  other = c;
  other.signature[10] = other.signature[10] == '0' ? '1' : '0';
  EXPECT_FALSE(CheckpointSignatureValid(other));
  other = c;
  other.signature = "zz";
  EXPECT_FALSE(CheckpointSignatureValid(other));

  auto second = Signer::LoadOrCreate((dir / "t.key").string());
  ASSERT_TRUE(second.ok());
  other = c;
  other.signer = (*second)->public_key();
  EXPECT_FALSE(CheckpointSignatureValid(other));
}

}  // namespace
}  // namespace bastion::audit
