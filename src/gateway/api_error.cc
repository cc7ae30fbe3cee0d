#include "gateway/api_error.h"

#include "common/json_writer.h"

namespace bastion::gateway {

ApiError ApiError::BadRequest(std::string code, std::string message, std::string param) {
  return {400, "invalid_request_error", std::move(code), std::move(message), std::move(param), 0};
}

ApiError ApiError::NotFound(std::string code, std::string message) {
  return {404, "not_found_error", std::move(code), std::move(message), "", 0};
}

ApiError ApiError::Upstream(int status, std::string code, std::string message, int retry_after) {
  return {status, "upstream_error", std::move(code), std::move(message), "", retry_after};
}

std::string ApiErrorJson(const ApiError& error) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("message").String(error.message);
  w.Key("type").String(error.type);
  w.Key("param");
  if (error.param.empty()) w.Null();
  else w.String(error.param);
  w.Key("code").String(error.code);
  w.EndObject().EndObject();
  return w.Take();
}

http::Response ApiErrorResponse(const ApiError& error) {
  http::Response r;
  r.status = error.status;
  r.body = ApiErrorJson(error);
  if (error.retry_after_seconds > 0) {
    r.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return r;
}

http::Response ServerErrorResponse(int status, std::string_view message) {
  ApiError e;
  e.status = status;
  e.message = std::string(message);
  switch (status) {
    case 400: e.type = "invalid_request_error"; e.code = "malformed_http"; break;
    case 408: e.type = "invalid_request_error"; e.code = "request_timeout"; break;
    case 413: e.type = "invalid_request_error"; e.code = "request_too_large"; break;
    case 431: e.type = "invalid_request_error"; e.code = "headers_too_large"; break;
    case 503: e.type = "server_error"; e.code = "overloaded"; e.retry_after_seconds = 1; break;
    default: e.type = "server_error"; e.code = "internal_error"; break;
  }
  return ApiErrorResponse(e);
}

}  // namespace bastion::gateway
