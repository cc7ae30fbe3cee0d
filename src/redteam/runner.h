#pragma once
// Runs probes against a target at a fixed concurrency and judges each answer.
// `concurrency` coroutines on one thread, each with its own keep-alive connection, each sending
// its next attempt as soon as the previous one is judged, so the target always has
// `concurrency` requests in flight while work remains.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "common/status.h"
#include "redteam/chat_client.h"
#include "redteam/probe.h"
#include "redteam/report.h"

namespace bastion::redteam {

struct RunOptions {
  int concurrency = 4;
  int samples = 1;  // attempts per probe
  uint64_t seed = 0;
  bool redact_completions = false;
  size_t excerpt_chars = 400;  // completion/reasoning excerpts in the report
  // Stop early (and fail the run) when this many attempts in a row found no endpoint.
  int max_consecutive_transport_errors = 20;
};

// Progress: attempts done, attempts total. Called on the running thread.
using ProgressFn = std::function<void(int done, int total)>;

// Attempts are shuffled with `seed` (so a slow category does not run last) but reported in
// probe order. With `llm_judge`, the LLM judge's verdict decides compliance probes and the
// refusal judge's outcome is kept as the cross-check; canary probes are decided by the canary.
// Unavailable when the target cannot be reached at all.
Result<std::vector<AttemptResult>> RunAttempts(const std::vector<Probe>& probes,
                                               const RunOptions& options, const Endpoint& target,
                                               const std::optional<Endpoint>& llm_judge,
                                               const ProgressFn& progress = nullptr);

}  // namespace bastion::redteam
