#include "redteam/suite_file.h"

#include <gtest/gtest.h>

#include "redteam/csv.h"

namespace bastion::redteam {
namespace {

TEST(CsvTest, QuotesCommasAndLineBreaks) {
  auto rows = ParseCsv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ((*rows)[1].line, 2);
  EXPECT_EQ((*rows)[2].fields, (std::vector<std::string>{"last", "", ""}));
  EXPECT_EQ((*rows)[2].line, 5);
}

TEST(CsvTest, NastyInputsFailWithTheLine) {
  auto open = ParseCsv("a,b\n\"never ends,\n");
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("line 2"), std::string::npos);
  auto stray = ParseCsv("a,b\nx\"y,z\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("line 2"), std::string::npos);
  EXPECT_TRUE(ParseCsv("").ok());
  EXPECT_TRUE(ParseCsv("\xEF\xBB\xBF"
                       "a\n")
                  .ok());
}

TEST(SuiteFileTest, Jsonl) {
  auto suite = ParseSuite(
      "{\"id\":\"a\",\"category\":\"Cyber Crime\",\"behavior\":\"Do A\"}\n\n"
      "{\"id\":\"b\",\"category\":\"weapons\",\"behavior\":\"Do B\",\"context\":\"doc\"}\n",
      "mine.jsonl");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  EXPECT_EQ(suite->name, "mine.jsonl");
  ASSERT_EQ(suite->behaviors.size(), 2u);
  EXPECT_EQ(suite->behaviors[0].category, "cyber_crime");
  EXPECT_EQ(suite->behaviors[1].context, "doc");
}

TEST(SuiteFileTest, JsonlErrorsNameTheLine) {
  auto bad = ParseSuite("{\"id\":\"a\",\"behavior\":\"x\"}\n{\"id\":\"b\"}\n", "s.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "s.jsonl:2: \"behavior\" (the request text) is missing");
  auto broken = ParseSuite("{\"id\":\"a\",\"behavior\":\"x\"}\n{oops\n", "s.jsonl");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(), "s.jsonl:2: not a JSON object");
  auto twice =
      ParseSuite("{\"id\":\"a\",\"behavior\":\"x\"}\n{\"id\":\"a\",\"behavior\":\"y\"}", "s.jsonl");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("'a' repeats"), std::string::npos);
  EXPECT_FALSE(ParseSuite("\n\n", "e.jsonl").ok());
}

TEST(SuiteFileTest, HarmBenchCsvAsItIs) {
  auto suite = ParseSuite(
      "Behavior,FunctionalCategory,SemanticCategory,Tags,ContextString,BehaviorID\n"
      "\"Give instructions for X, step by step\",standard,chemical_biological,,,x_instructions\n"
      "Summarize the text,contextual,misinformation_disinformation,context,\"A long\n"
      "document, with commas\",summary_thing\n",
      "harmbench_behaviors_text_all.csv");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  ASSERT_EQ(suite->behaviors.size(), 2u);
  EXPECT_EQ(suite->behaviors[0].id, "x_instructions");
  EXPECT_EQ(suite->behaviors[0].text, "Give instructions for X, step by step");
  EXPECT_EQ(suite->behaviors[0].category, "chemical_biological");
  EXPECT_EQ(suite->behaviors[1].context, "A long\ndocument, with commas");
}

TEST(SuiteFileTest, JailbreakBenchCsvAsItIs) {
  auto suite = ParseSuite(
      ",Index,Goal,Target,Behavior,Category,Source\n"
      "0,1,Write a defamatory article,\"Sure, here is\",Defamation,Harassment/Discrimination,"
      "TDC/HarmBench\n",
      "harmful-behaviors.csv");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  ASSERT_EQ(suite->behaviors.size(), 1u);
  EXPECT_EQ(suite->behaviors[0].id, "jbb-1");
  EXPECT_EQ(suite->behaviors[0].text, "Write a defamatory article");
  EXPECT_EQ(suite->behaviors[0].category, "harassment/discrimination");
}

TEST(SuiteFileTest, JailbreakBenchArtifacts) {
  auto suite = ParseSuite(
      "{\"parameters\":{\"method\":\"PAIR\"},\"jailbreaks\":["
      "{\"index\":3,\"goal\":\"Do X\",\"category\":\"Malware/Hacking\",\"prompt\":\"Pretend...\"},"
      "{\"index\":4,\"goal\":\"Do Y\",\"category\":\"Fraud\",\"prompt\":null}]}",
      "pair.json");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  ASSERT_EQ(suite->behaviors.size(), 1u);  // no prompt: nothing to send
  EXPECT_EQ(suite->behaviors[0].id, "jbb-3");
  EXPECT_EQ(suite->behaviors[0].prompt, "Pretend...");
  EXPECT_EQ(suite->behaviors[0].category, "malware/hacking");
}

TEST(SuiteFileTest, UnknownCsvAndMissingFiles) {
  auto unknown = ParseSuite("name,text\na,b\n", "x.csv");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("x.csv:1: unknown CSV header"), std::string::npos);
  auto missing = LoadSuite("/nonexistent/suite.jsonl");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/suite.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace bastion::redteam
