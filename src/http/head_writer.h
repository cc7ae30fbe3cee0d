#pragma once
// HTTP/1.x message heads written straight into one string, so a response or an upstream
// request leaves in one gather write of two buffers (head, body) rather than through Beast's
// serializer, whose per-field buffer sequences cost more than the rest of a proxied request.
//
// Header fields come from bastion's own code, never verbatim from a peer; still, a name or
// value that could split the head (CR, LF, NUL, or a name that is not an RFC 9110 token) is
// dropped rather than written.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace bastion::http {

struct ResponseHead {
  unsigned version = 11;  // 10 or 11
  int status = 200;
  std::string_view content_type;  // omitted when empty
  const HeaderList* headers = nullptr;
  // The body's length, or nullopt for a chunked body (HTTP/1.1) or one that ends with the
  // connection (HTTP/1.0). Statuses that never carry a body (1xx, 204, 304) get neither.
  std::optional<uint64_t> content_length;
  bool keep_alive = true;
};

// Appends the status line, fields and blank line of `head` to `out`.
void WriteResponseHead(const ResponseHead& head, std::string& out);

struct RequestHead {
  std::string_view method;
  std::string_view target;
  std::string_view host;
  const HeaderList* headers = nullptr;
  uint64_t content_length = 0;  // sent unless 0 on a GET or HEAD
};

// Appends an HTTP/1.1 keep-alive request head to `out`.
void WriteRequestHead(const RequestHead& head, std::string& out);

// The chunk-size line of one chunk of `size` bytes ("1a2f\r\n").
std::string_view ChunkSizeLine(size_t size, char (&scratch)[24]);

// True when `name: value` can be written without changing the message's framing.
bool IsSafeField(std::string_view name, std::string_view value);

}  // namespace bastion::http
