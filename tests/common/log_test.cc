#include "common/log.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace bastion {
namespace {

std::string FormatLine(std::string_view logger, spdlog::level::level_enum level,
                       std::string_view payload) {
  auto formatter = NewJsonLogFormatter();
  spdlog::details::log_msg msg(spdlog::string_view_t(logger.data(), logger.size()), level,
                               spdlog::string_view_t(payload.data(), payload.size()));
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(JsonLogFormatterTest, OneObjectPerLineWithTimeLevelAndEscapedMessage) {
  std::string text = "say \"hi\"\\ to\nthe\tlog \x01 and \xff bytes";
  std::string line = FormatLine("bastion", spdlog::level::warn, text);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;  // the newline inside is escaped
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  std::string_view time, level, msg;
  ASSERT_EQ(doc["time"].get(time), simdjson::SUCCESS);
  EXPECT_EQ(time.size(), std::string_view("2024-05-01T12:00:00.123Z").size()) << time;
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(time[10], 'T');
  ASSERT_EQ(doc["level"].get(level), simdjson::SUCCESS);
  EXPECT_EQ(level, "warn");
  ASSERT_EQ(doc["msg"].get(msg), simdjson::SUCCESS);
  EXPECT_EQ(msg, "say \"hi\"\\ to\nthe\tlog \x01 and \xEF\xBF\xBD bytes");  // U+FFFD
}

TEST(JsonLogFormatterTest, EventLoggerPayloadBecomesMembers) {
  std::string line =
      FormatLine(kJsonEventLogger, spdlog::level::info, R"("msg":"request","status":200)");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  std::string_view level, msg;
  int64_t status = 0;
  ASSERT_EQ(doc["level"].get(level), simdjson::SUCCESS);
  EXPECT_EQ(level, "info");
  ASSERT_EQ(doc["msg"].get(msg), simdjson::SUCCESS);
  EXPECT_EQ(msg, "request");
  ASSERT_EQ(doc["status"].get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 200);
}

TEST(JsonLogFormatterTest, MembersInAnOrdinaryMessageStayInsideMsg) {
  // A message that looks like members from an ordinary logger is still one string.
  std::string line = FormatLine("bastion", spdlog::level::info, R"("msg":"x","admin":true)");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  std::string_view msg;
  ASSERT_EQ(doc["msg"].get(msg), simdjson::SUCCESS);
  EXPECT_EQ(msg, R"("msg":"x","admin":true)");
  bool admin = false;
  EXPECT_NE(doc["admin"].get(admin), simdjson::SUCCESS);
}

}  // namespace
}  // namespace bastion
