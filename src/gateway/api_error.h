#pragma once
// Errors as OpenAI-compatible clients expect them:
// {"error":{"message":"...","type":"...","param":...,"code":"..."}} with a matching status.

#include <string>

#include "http/message.h"

namespace bastion::gateway {

struct ApiError {
  int status = 500;
  std::string type;     // invalid_request_error, not_found_error, upstream_error, ...
  std::string code;     // machine-readable: model_not_found, invalid_json, ...
  std::string message;  // tells the caller what to do next
  std::string param;    // the offending request field, when there is one
  int retry_after_seconds = 0;  // > 0 adds a Retry-After header

  static ApiError BadRequest(std::string code, std::string message, std::string param = "");
  static ApiError NotFound(std::string code, std::string message);
  static ApiError Upstream(int status, std::string code, std::string message, int retry_after);
};

std::string ApiErrorJson(const ApiError& error);
http::Response ApiErrorResponse(const ApiError& error);
// For errors the HTTP server answers by itself (400, 408, 413, 431, 503).
http::Response ServerErrorResponse(int status, std::string_view message);

}  // namespace bastion::gateway
