// The HTTP request path: Beast's parser under bastion's limits, the conversion to a Request,
// then the OpenAI body validation the gateway runs on inference routes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/inference_request.h"
#include "http/beast_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion;
  http::RequestParser parser;
  http::ApplyLimits(parser, 16 << 10, 1 << 20);
  parser.eager(true);
  http::error_code ec;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty() && !parser.is_done()) {
    size_t used = parser.put(http::net::buffer(input.data(), input.size()), ec);
    if (ec || used == 0) break;
    input.remove_prefix(used);
  }
  if (ec || !parser.is_done()) return 0;
  if (http::CheckRequestHead(parser, 16 << 10, 1 << 20)) return 0;
  http::Request request = http::ToRequest(parser.release());
  (void)request.Header("x-request-id");
  std::string_view path = request.Path();
  gateway::InferenceRequest out;
  if (path == "/v1/chat/completions") {
    (void)gateway::ParseInferenceRequest(gateway::InferenceKind::kChat, request.body, out);
  } else if (path == "/v1/completions") {
    (void)gateway::ParseInferenceRequest(gateway::InferenceKind::kCompletion, request.body, out);
  }
  return 0;
}
