#pragma once
// Walks a parsed JSON document's string values by path ("messages.0.content",
// "messages.1.content.0.text", "prompt"), so the guard can read the texts of a request and
// write it back with some of them replaced. Everything else is copied as it was (minified).

#include <simdjson.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bastion::gateway {

// Returns a replacement text for the string at `path`, or nothing to keep it.
using StringVisitor =
    std::function<std::optional<std::string>(std::string_view path, std::string_view text)>;

// Calls `visit` for every string value in document order; returns the document with the
// replacements, as compact JSON.
std::string RewriteJsonStrings(simdjson::dom::element root, const StringVisitor& visit);

// Whether `path` matches `pattern`, where "#" in the pattern matches one array index:
// PathMatches("messages.3.content", "messages.#.content").
bool PathMatches(std::string_view path, std::string_view pattern);

}  // namespace bastion::gateway
