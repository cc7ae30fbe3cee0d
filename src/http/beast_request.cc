#include "http/beast_request.h"

#include <cctype>

namespace bastion::http {

void ApplyLimits(RequestParser& parser, size_t max_header_bytes, size_t max_body_bytes) {
  parser.header_limit(static_cast<uint32_t>(max_header_bytes));
  parser.body_limit(max_body_bytes);
}

std::optional<HeadProblem> CheckRequestHead(const RequestParser& parser, size_t max_header_bytes,
                                            size_t max_body_bytes) {
  const auto& head = parser.get();
  size_t head_bytes = head.method_string().size() + head.target().size() + 12;
  size_t hosts = 0;
  for (const auto& field : head) {
    head_bytes += field.name_string().size() + field.value().size() + 4;
    if (field.name() == bhttp::field::host) ++hosts;
  }
  if (head_bytes > max_header_bytes) {
    return HeadProblem{431, "request headers are larger than server.max_header_bytes (" +
                                std::to_string(max_header_bytes) + " bytes)"};
  }
  if (head.count(bhttp::field::transfer_encoding) > 0 && !parser.chunked()) {
    return HeadProblem{400, "Transfer-Encoding must end with chunked"};
  }
  if (head.version() >= 11 && hosts != 1) {
    return HeadProblem{400, "an HTTP/1.1 request needs exactly one Host header"};
  }
  if (auto length = parser.content_length(); length && *length > max_body_bytes) {
    return HeadProblem{413, "request body is larger than server.max_body_bytes (" +
                                std::to_string(max_body_bytes) + " bytes)"};
  }
  return std::nullopt;
}

Request ToRequest(bhttp::request<bhttp::string_body>&& message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

}  // namespace bastion::http
