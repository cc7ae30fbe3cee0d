// The checklist, its two renderings, and URL origins safe to print.
#include "posture/checklist.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "posture/checklist_render.h"
#include "posture/url_origin.h"

namespace bastion::posture {
namespace {

Checklist Sample() {
  Checklist list;
  list.Pass("a.ok", "fine");
  list.Warn("b.meh", "two\nlines", "do this");
  list.Fail("c.bad", "broken", "do that");
  return list;
}

TEST(ChecklistTest, TextIsOneLinePerItemAndASummary) {
  const std::string text = ChecklistText(Sample());
  EXPECT_EQ(text,
            "pass  a.ok  fine\n"
            "warn  b.meh  two lines  fix: do this\n"
            "fail  c.bad  broken  fix: do that\n"
            "1 pass, 1 warn, 1 fail\n");
}

TEST(ChecklistTest, JsonHasItemsAndASummary) {
  const std::string json = ChecklistJson(Sample());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_FALSE(parser.parse(json).get(root)) << json;
  simdjson::dom::array items = root["items"].get_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(std::string_view(items.at(1)["id"]), "b.meh");
  EXPECT_EQ(std::string_view(items.at(1)["status"]), "warn");
  EXPECT_EQ(std::string_view(items.at(1)["detail"]), "two\nlines");
  EXPECT_EQ(std::string_view(items.at(0)["fix"]), "");
  EXPECT_EQ(int64_t(root["summary"]["fail"]), 1);
  EXPECT_TRUE(Sample().AnyFailed());
}

TEST(UrlOriginTest, NeverKeepsCredentials) {
  EXPECT_EQ(OriginOf("postgresql://u:pw@db.internal:5432/keys?sslmode=require").ToString(),
            "postgresql://db.internal:5432");
  EXPECT_EQ(OriginOf("redis://:p%40ss@10.0.0.9/2").ToString(), "redis://10.0.0.9");
  EXPECT_EQ(OriginOf("https://[fd00::5]:8443/v1").ToString(), "https://[fd00::5]:8443");
  EXPECT_EQ(OriginOf("unix:///run/redis.sock").ToString(), "unix (local socket)");
  EXPECT_TRUE(OriginOf("postgresql:///keys").loopback());
  EXPECT_TRUE(OriginOf("http://localhost:8000/v1").loopback());
  EXPECT_FALSE(OriginOf("http://10.0.0.5:8000/v1").loopback());
}

}  // namespace
}  // namespace bastion::posture
