#include "posture/components.h"

#include <gnu/libc-version.h>
#include <hiredis/hiredis.h>
#include <hs/hs.h>
#include <openssl/crypto.h>
#include <postgresql/libpq-fe.h>
#include <seccomp.h>
#include <sodium.h>
#include <spdlog/version.h>
#include <sqlite3.h>
#include <utf8proc.h>
#include <zlib.h>

#include <fmt/core.h>
#include <simdjson.h>
#include <toml++/toml.h>
#include <CLI/Version.hpp>
#include <boost/version.hpp>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace bastion::posture {
namespace {

std::string Dotted(long major, long minor, long patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

// "5.4.9 2023-03-15" -> "5.4.9".
std::string FirstWord(const char* text) {
  std::string s = text != nullptr ? text : "";
  return s.substr(0, s.find(' '));
}

std::string Pcre2Version() {
  char buffer[64] = {};
  if (pcre2_config(PCRE2_CONFIG_VERSION, buffer) < 0) return "";
  return FirstWord(buffer);
}

// libpq says 150010 for 15.10 (and 90624 for 9.6.24).
std::string LibpqVersion() {
  const int v = PQlibVersion();
  if (v >= 100000) return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
  return Dotted(v / 10000, v / 100 % 100, v % 100);
}

std::string LibseccompVersion() {
  const scmp_version* v = seccomp_version();
  return v != nullptr ? Dotted(v->major, v->minor, v->micro) : "";
}

}  // namespace

std::vector<Component> LinkedComponents() {
  return {
      {"glibc", gnu_get_libc_version()},
      {"openssl", FirstWord(OpenSSL_version(OPENSSL_VERSION_STRING))},
      {"sqlite", sqlite3_libversion()},
      {"libpq", LibpqVersion()},
      {"hiredis", Dotted(HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH), false},
      {"vectorscan", FirstWord(hs_version())},
      {"libsodium", sodium_version_string()},
      {"libseccomp", LibseccompVersion()},
      {"pcre2", Pcre2Version()},
      {"utf8proc", utf8proc_version()},
      {"zlib", zlibVersion()},
      {"boost", Dotted(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100),
       false},
      {"simdjson",
       Dotted(simdjson::SIMDJSON_VERSION_MAJOR, simdjson::SIMDJSON_VERSION_MINOR,
              simdjson::SIMDJSON_VERSION_REVISION),
       false},
      {"fmt", Dotted(FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100), false},
      {"spdlog", Dotted(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH), false},
      {"tomlplusplus", Dotted(TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH), false},
      {"cli11", CLI11_VERSION, false},
  };
}

}  // namespace bastion::posture
