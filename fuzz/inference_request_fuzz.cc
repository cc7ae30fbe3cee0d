// JSON request bodies: validation, the error locator, model rewriting, and what the embedded
// engine reads from a valid body. Also checks that the locator and simdjson agree on what is
// valid, and that rewritten bodies stay valid.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/json_locate.h"
#include "gateway/embedded/engine_request.h"
#include "gateway/inference_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::gateway;
  std::string body(reinterpret_cast<const char*>(data), size);
  InferenceRequest out;
  auto chat = ParseInferenceRequest(InferenceKind::kChat, body, out);
  auto completion = ParseInferenceRequest(InferenceKind::kCompletion, body, out);
  if (!chat || !completion) {
    std::string rewritten = ReplaceModel(body, "fuzz/\"model\"");
    InferenceRequest again;
    auto kind = !chat ? InferenceKind::kChat : InferenceKind::kCompletion;
    if (ParseInferenceRequest(kind, rewritten, again) || again.model != "fuzz/\"model\"") {
      std::abort();  // rewriting broke a valid request
    }
    if (!bastion::LocateJsonError(body).valid) std::abort();  // locator rejects valid JSON
  }
  for (auto kind : {InferenceKind::kChat, InferenceKind::kCompletion}) {
    if ((kind == InferenceKind::kChat ? chat : completion)) continue;
    EngineRequest engine;  // only bodies that passed validation reach the engine's reader
    if (!ParseEngineRequest(kind, body, engine)) {
      auto sampling = engine.Sampling({});
      if (!(sampling.temperature >= 0 && sampling.temperature <= 2)) std::abort();
    }
  }
  return 0;
}
