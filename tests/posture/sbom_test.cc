#include "posture/sbom.h"

#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <regex>
#include <set>

#include "common/version.h"

namespace bastion::posture {
namespace {

const Component* Find(const std::vector<Component>& all, const std::string& name) {
  for (const Component& c : all) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(LinkedComponentsTest, EveryLibraryHasADottedVersion) {
  const std::vector<Component> all = LinkedComponents();
  std::set<std::string> names;
  const std::regex dotted(R"(\d+\.\d+(\.\d+)*[a-z0-9.+~-]*)");
  for (const Component& c : all) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name << " twice";
    EXPECT_TRUE(std::regex_match(c.version, dotted)) << c.name << " " << c.version;
  }
  for (const char* name :
       {"openssl", "sqlite", "libpq", "hiredis", "vectorscan", "libsodium", "libseccomp", "pcre2",
        "utf8proc", "zlib", "boost", "simdjson", "glibc"}) {
    EXPECT_NE(Find(all, name), nullptr) << name;
  }
}

TEST(LinkedComponentsTest, SharedLibrariesReportTheLoadedVersion) {
  const std::vector<Component> all = LinkedComponents();
  EXPECT_EQ(Find(all, "sqlite")->version, sqlite3_libversion());
  EXPECT_EQ(
      std::string(OpenSSL_version(OPENSSL_VERSION_STRING)).find(Find(all, "openssl")->version), 0u);
  EXPECT_TRUE(Find(all, "openssl")->runtime);
  EXPECT_FALSE(Find(all, "boost")->runtime);
}

TEST(CycloneDxTest, ListsBastionAndEveryComponent) {
  const std::vector<Component> all = {{"openssl", "3.0.15"}, {"boost", "1.74.0", false}};
  const std::string json = CycloneDxJson(all, "2026-12-04T00:00:00.000Z",
                                         "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_EQ(root["bomFormat"].get_string().value(), "CycloneDX");
  EXPECT_EQ(root["specVersion"].get_string().value(), "1.5");
  EXPECT_EQ(root["metadata"]["component"]["name"].get_string().value(), "bastion");
  EXPECT_EQ(root["metadata"]["component"]["version"].get_string().value(), kVersion);
  EXPECT_EQ(root["metadata"]["timestamp"].get_string().value(), "2026-12-04T00:00:00.000Z");
  simdjson::dom::array components = root["components"].get_array();
  ASSERT_EQ(components.size(), 2u);
  EXPECT_EQ(components.at(0)["purl"].get_string().value(), "pkg:generic/openssl@3.0.15");
  EXPECT_EQ(components.at(1)["type"].get_string().value(), "library");
  simdjson::dom::array depends = root["dependencies"].at(0)["dependsOn"].get_array();
  EXPECT_EQ(depends.size(), 2u);
  EXPECT_EQ(root["dependencies"].at(0)["ref"].get_string().value(),
            root["metadata"]["component"]["bom-ref"].get_string().value());
}

TEST(CycloneDxTest, SerialNumbersAreRandomVersion4Uuids) {
  const std::regex uuid4(
      R"(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
  const std::string a = RandomSerialNumber(), b = RandomSerialNumber();
  EXPECT_TRUE(std::regex_match(a, uuid4)) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace bastion::posture
