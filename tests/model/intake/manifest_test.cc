// Manifests: SHA-256 as published, folders hashed in parallel, and every kind of drift found.
#include "model/intake/manifest.h"

#include <gtest/gtest.h>
#include <filesystem>

#include "common/temp_dir.h"
#include "model/intake/file_digest.h"

namespace bastion::model {
namespace {

namespace fs = std::filesystem;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(FileDigestTest, KnownVectors) {  // FIPS 180-2's examples
  EXPECT_EQ(Sha256Hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(Bytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class ManifestTest : public ::testing::Test {
 protected:
  void Write(std::string_view name, std::string_view bytes) { tmp_.Write(name, bytes); }
  Manifest Build(const std::string& skip = "") {
    auto m = BuildManifest(dir_.string(), 3, skip);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? *m : Manifest{};
  }
  bastion::testing::TempDir tmp_{"bastion_manifest_test_"};
  const fs::path& dir_ = tmp_.path();
};

TEST_F(ManifestTest, RecordsEveryFileAndRoundTrips) {
  Write("b/shard-2.safetensors", std::string(3 << 20, 'x'));  // large enough to matter
  Write("a.json", "abc");
  Write("empty", "");
  const Manifest m = Build();
  ASSERT_EQ(m.files.size(), 3u);
  EXPECT_EQ(m.files[0], (ManifestEntry{"a.json", 3, Sha256Hex(Bytes("abc"))}));
  EXPECT_EQ(m.files[1].path, "b/shard-2.safetensors");
  EXPECT_EQ(m.files[1].size, 3u << 20);
  EXPECT_EQ(m.files[2].sha256, Sha256Hex({}));
  auto parsed = ParseManifest(ManifestJson(m));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->files, m.files);
  EXPECT_TRUE(CompareManifests(m, *parsed).empty());
}

TEST_F(ManifestTest, FindsChangedMissingAndExtraFiles) {
  Write("same", "1");
  Write("resized", "12");
  Write("edited", "ab");
  Write("gone", "x");
  const Manifest before = Build();
  Write("resized", "123");
  Write("edited", "ac");  // same size, other bytes
  fs::remove(dir_ / "gone");
  Write("new.py", "import os");
  const ManifestDrift drift = CompareManifests(before, Build());
  ASSERT_EQ(drift.changed.size(), 2u);
  EXPECT_EQ(drift.changed[0].rfind("edited: sha256 ", 0), 0u) << drift.changed[0];
  EXPECT_EQ(drift.changed[1], "resized: size 3, expected 2");
  EXPECT_EQ(drift.missing, std::vector<std::string>{"gone"});
  EXPECT_EQ(drift.extra, std::vector<std::string>{"new.py"});
}

TEST_F(ManifestTest, TheManifestItselfCanLiveInTheFolder) {
  Write("weights", "w");
  Write("manifest.json", ManifestJson(Build()));
  EXPECT_EQ(Build((dir_ / "manifest.json").string()).files.size(), 1u);
}

TEST_F(ManifestTest, BrokenSymlinksAreRefused) {
  fs::create_symlink(dir_ / "nowhere", dir_ / "link");
  auto m = BuildManifest(dir_.string(), 1);
  EXPECT_EQ(m.status().code(), StatusCode::kFailedPrecondition);
}

TEST(ManifestParseTest, RefusesWhatCannotBeTrusted) {
  const std::string hash(64, 'a');
  auto one = [&](std::string path, std::string sha = "") {
    return R"({"version":1,"files":[{"path":")" + path + R"(","size":1,"sha256":")" +
           (sha.empty() ? hash : sha) + R"("}]})";
  };
  EXPECT_TRUE(ParseManifest(one("model.safetensors")).ok());
  EXPECT_FALSE(ParseManifest(one("../etc/passwd")).ok());
  EXPECT_FALSE(ParseManifest(one("/etc/passwd")).ok());
  EXPECT_FALSE(ParseManifest(one("x", std::string(64, 'A'))).ok());  // upper case
  EXPECT_FALSE(ParseManifest(one("x", "abc")).ok());
  EXPECT_FALSE(ParseManifest(R"({"version":2,"files":[]})").ok());
  EXPECT_FALSE(ParseManifest("not json").ok());
  const std::string twice = R"({"version":1,"files":[{"path":"x","size":1,"sha256":")" + hash +
                            R"("},{"path":"x","size":1,"sha256":")" + hash + R"("}]})";
  EXPECT_FALSE(ParseManifest(twice).ok());
}

}  // namespace
}  // namespace bastion::model
