#pragma once
// Small text helpers for the pickle walker's protocol-0 arguments and its messages.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bastion::model {

// "0x1f" without the prefix: two lower-case hex digits.
std::string HexByte(uint8_t byte);

// The integer of a protocol-0 GET/PUT line as CPython's int(text, 10) reads it (surrounding
// whitespace, a sign, single underscores between digits); nullopt when CPython would refuse
// it or it does not fit in an int64.
std::optional<int64_t> ParseDecimalIndex(std::string_view text);

// The value of a STRING line ('text' or "text") when it is quoted and has no escapes, so that
// the value is the bytes between the quotes; nullopt otherwise (the walker then treats the
// value as unknown, which is the conservative reading).
std::optional<std::string_view> PlainQuotedString(std::string_view line);

// Lines of GLOBAL/INST/UNICODE/STRING keep a '\r' when written on Windows; CPython does not
// strip it, so neither do we. Printable form for findings: non-printable bytes as \xNN.
std::string Printable(std::string_view text);

}  // namespace bastion::model
