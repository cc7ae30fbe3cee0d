// Upstream streams are untrusted bytes too: SSE framing split at fuzzer-chosen points, then
// the R1 reasoning rewriter on every event, and on the whole input as a response body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/reasoning/reasoning_rewriter.h"
#include "http/sse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion;
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 64;  // the first byte picks the chunking
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  http::SseParser parser(1 << 16);
  gateway::ReasoningStreamRewriter rewriter;
  http::SseEvent event;
  for (size_t i = 0; i < input.size(); i += step) {
    if (!parser.Feed(input.substr(i, step))) break;
    while (parser.Next(event)) {
      rewriter.Rewrite(event.data);
      std::string out;
      http::AppendSseData(out, event.data);
    }
  }
  std::string body(input);
  gateway::RewriteReasoningResponse(body);
  return 0;
}
