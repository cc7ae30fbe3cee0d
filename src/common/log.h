#pragma once
// The one logger: spdlog, to stderr, one line per event. Never log prompt text, request or
// response bodies, keys or credentials; log ids, sizes, names and outcomes.
//
// Two formats: text ("2024-05-01T12:00:00.123Z info listening on ...") and JSON, one object
// per line ({"time":"2024-05-01T12:00:00.123Z","level":"info","msg":"listening on ..."}).
// Events with fields of their own (the access log) are written with LogJsonEvent in JSON
// mode, so their fields are members of the line's object rather than text in "msg".

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace bastion {

// REQUIRES: called once, before any thread logs. `level` is trace|debug|info|warn|error|off;
// `format` is text|json. Lines below warn are batched and reach stderr within 100 ms; warn
// and above at once.
void InitLogging(std::string_view level, std::string_view format = "text");

// True when InitLogging chose the JSON format.
bool JsonLogs();

// JSON logs only: writes {"time":...,"level":...,"msg":<msg>,<fields>} where `fields` is a
// list of JSON members without braces (`"status":200,"model":"m"`), e.g. from JsonWriter.
void LogJsonEvent(spdlog::level::level_enum level, std::string_view msg, std::string_view fields);

// Writes out batched lines now (e.g. after "listening on", before exit).
void FlushLogs();

// The JSON line formatter, exposed for tests: a line from a logger named kJsonEventLogger
// carries its payload as members; any other line's payload becomes "msg".
inline constexpr std::string_view kJsonEventLogger = "bastion.event";
std::unique_ptr<spdlog::formatter> NewJsonLogFormatter();

}  // namespace bastion
