#include "http/head_writer.h"

#include <array>

#include <boost/beast/http/status.hpp>

namespace bastion::http {
namespace {

// RFC 9110 tchar: the characters a field name may hold.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

void AppendNumber(uint64_t n, std::string& out) {
  char digits[20];
  int len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (len > 0) out += digits[--len];
}

void AppendField(std::string_view name, std::string_view value, std::string& out) {
  if (!IsSafeField(name, value)) return;
  out.append(name).append(": ").append(value).append("\r\n");
}

void AppendFields(const HeaderList* headers, std::string& out) {
  if (headers == nullptr) return;
  for (const auto& [name, value] : *headers) AppendField(name, value, out);
}

bool MayHaveBody(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

bool IsSafeField(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!kTokenChars[static_cast<unsigned char>(c)]) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

void WriteResponseHead(const ResponseHead& head, std::string& out) {
  out.append(head.version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ");
  AppendNumber(static_cast<uint64_t>(head.status), out);
  out += ' ';
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(head.status));
  out.append(reason.data(), reason.size()).append("\r\n");
  if (!head.content_type.empty()) AppendField("Content-Type", head.content_type, out);
  AppendFields(head.headers, out);
  if (MayHaveBody(head.status)) {
    if (head.content_length) {
      out.append("Content-Length: ");
      AppendNumber(*head.content_length, out);
      out.append("\r\n");
    } else if (head.version >= 11) {
      out.append("Transfer-Encoding: chunked\r\n");
    }
  }
  // HTTP/1.1 keeps connections open unless told; HTTP/1.0 closes them unless told.
  if (head.version >= 11 && !head.keep_alive) out.append("Connection: close\r\n");
  if (head.version < 11 && head.keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

void WriteRequestHead(const RequestHead& head, std::string& out) {
  out.append(head.method).append(" ").append(head.target).append(" HTTP/1.1\r\n");
  AppendField("Host", head.host, out);
  AppendFields(head.headers, out);
  // RFC 9110 8.6: no Content-Length on a GET or HEAD without content.
  bool bodiless = head.content_length == 0 && (head.method == "GET" || head.method == "HEAD");
  if (!bodiless) {
    out.append("Content-Length: ");
    AppendNumber(head.content_length, out);
    out.append("\r\n");
  }
  out.append("\r\n");
}

std::string_view ChunkSizeLine(size_t size, char (&scratch)[24]) {
  static constexpr char kHex[] = "0123456789abcdef";
  char* end = scratch + sizeof(scratch);
  char* p = end;
  *--p = '\n';
  *--p = '\r';
  do {
    *--p = kHex[size & 0xF];
    size >>= 4;
  } while (size > 0);
  return std::string_view(p, static_cast<size_t>(end - p));
}

}  // namespace bastion::http
