// The JSON writer and the error locator.
#include <gtest/gtest.h>

#include "common/json_locate.h"
#include "common/json_writer.h"

namespace bastion {
namespace {

TEST(JsonWriterTest, WritesNestedValuesWithCommas) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(-1).Key("b").BeginArray().Bool(true).Null().Double(0.5).EndArray();
  w.Key("c").BeginObject().EndObject().Key("d").Raw("[1,2]").EndObject();
  EXPECT_EQ(w.str(), R"({"a":-1,"b":[true,null,0.5],"c":{},"d":[1,2]})");
}

TEST(JsonWriterTest, EscapesAndRepairsStrings) {
  std::string out;
  AppendJsonString(out, "q\"b\\n\n\t\x01 é 😀");
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\t\\u0001 é 😀\"");
  out.clear();
  AppendJsonString(out, "bad\xff\xc3(\xed\xa0\x80");  // invalid byte, truncated, surrogate
  EXPECT_EQ(out, "\"bad\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonWriterTest, NonFiniteDoublesBecomeNull) {
  JsonWriter w;
  w.BeginArray().Double(1.0 / 0.0).EndArray();
  EXPECT_EQ(w.str(), "[null]");
}

TEST(JsonLocateTest, AcceptsValidJson) {
  for (const char* ok : {"{}", "[]", " {\"a\": [1, -2.5e3, true, null, \"x\\u00e9\"]} ", "0"}) {
    EXPECT_TRUE(LocateJsonError(ok).valid) << ok;
  }
}

TEST(JsonLocateTest, PointsAtTheFirstError) {
  auto e = LocateJsonError("{\n  \"a\": 1,\n  \"b\" 2\n}");
  ASSERT_FALSE(e.valid);
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 7u);
  EXPECT_NE(e.Describe().find("expected ':'"), std::string::npos);
  auto trailing = LocateJsonError("{} x");
  EXPECT_FALSE(trailing.valid);
  EXPECT_EQ(trailing.column, 4u);
  EXPECT_FALSE(LocateJsonError("{\"a\":").valid);
  EXPECT_FALSE(LocateJsonError("[1,]").valid);
  EXPECT_FALSE(LocateJsonError("\"\\x\"").valid);
  EXPECT_FALSE(LocateJsonError("01").valid);
  EXPECT_FALSE(LocateJsonError("").valid);
}

TEST(JsonLocateTest, DeepNestingIsBoundedNotRecursive) {
  std::string deep(100000, '[');
  auto e = LocateJsonError(deep, 64);
  ASSERT_FALSE(e.valid);
  EXPECT_EQ(e.offset, 64u);
  EXPECT_NE(e.reason.find("nesting"), std::string::npos);
}

}  // namespace
}  // namespace bastion
