#pragma once
// HTTP requests and responses as plain values: what a handler sees and answers.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


namespace bastion::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  HeaderList headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  bool tls = false;
  size_t worker = 0;  // index of the worker thread that owns the connection

  // The first value of header `name` (lower case), or empty.
  std::string_view Header(std::string_view name) const;
  // The target without its query string.
  std::string_view Path() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;
  std::string body;
};

}  // namespace bastion::http
