// bench/auth/auth_path_bench: what access control adds to one request, end to end through
// the gateway's auth filter: the API key parsed, looked up and its HMAC checked, the route's
// permission, the model allowlist, the limiter's Admit, and the settlement when the exchange
// ends. Limits in memory, then through Redis on loopback ($BASTION_REDIS_URL, else a
// redis-server started for the run; skipped when none is installed).
//
// Printed beside each figure: the floor, one HMAC-SHA256 of a secret (the crypto no key
// check can skip), and the targets (5 us in memory, 200 us at p99 with Redis).
//
//   build/bench/bastion_auth_path_bench [--requests N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/keys/key_store.h"
#include "auth/limits/limiter_factory.h"
#include "auth/limits/redis_server.h"
#include "common/config.h"
#include "common/metrics.h"
#include "common/temp_dir.h"
#include "gateway/filters/auth/auth_filter.h"

namespace {

using namespace bastion;
using Clock = std::chrono::steady_clock;

struct Percentiles {
  double p50 = 0, p99 = 0;
};

Percentiles Summarize(std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  return {micros[micros.size() / 2], micros[micros.size() * 99 / 100]};
}

// One request through the filter, as the gateway drives it.
void OneRequest(gateway::AuthFilter& filter, const http::Request& request) {
  gateway::Exchange ex(request);
  ex.route = "/v1/chat/completions";
  ex.permission = auth::Permission::kInference;
  if (filter.OnHeaders(ex).respond) std::abort();
  ex.model = "m";
  ex.inference = gateway::InferenceRequest{};
  ex.inference->max_tokens = 256;
  if (filter.OnRequest(ex).respond) std::abort();
  ex.prompt_tokens = 40;
  ex.completion_tokens = 200;
  filter.OnComplete(ex);
}

Percentiles Measure(auth::Limiter& limiter, const auth::Authenticator& authenticator,
                    const std::string& key, int requests) {
  MetricsRegistry metrics;
  gateway::AuthFilter filter(&authenticator, limiter, metrics, {});
  http::Request request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.remote_address = "127.0.0.1";
  request.headers = {{"authorization", "Bearer " + key}, {"content-type", "application/json"}};
  request.body = R"({"model":"m","max_tokens":256,"messages":[{"role":"user","content":"hi"}]})";
  for (int i = 0; i < requests / 10; ++i) OneRequest(filter, request);  // warm up
  std::vector<double> micros;
  micros.reserve(static_cast<size_t>(requests));
  for (int i = 0; i < requests; ++i) {
    auto start = Clock::now();
    OneRequest(filter, request);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return Summarize(micros);
}

double HmacFloorMicros(const auth::KeyHasher& hasher) {
  std::string secret(64, 'a');
  constexpr int kRounds = 200'000;
  auto start = Clock::now();
  size_t sink = 0;
  for (int i = 0; i < kRounds; ++i) sink += hasher.Hash(secret).size();
  double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kRounds;
  return sink ? us : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 200'000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--requests") == 0) requests = std::atoi(argv[i + 1]);
  }
  testing::TempDir dir("auth-path-bench");
  Config config;
  config.server.data_dir = dir.path().string();
  auth::KeySpec spec;
  spec.name = "bench";
  spec.role = auth::Role::kUser;
  spec.models = {"m"};
  spec.limits = {1'000'000'000, 1'000'000'000'000, 1'000'000'000'000'000, 1'000'000, 4096};
  auto store = auth::OpenKeyStore(auth::KeyStoreLocationFor(config));
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().message().c_str()), 1;
  std::string key = (*store)->Create(spec, "bench", 0).value().Text();
  auto authenticator = auth::Authenticator::Create(config);
  if (!authenticator.ok()) return 1;

  double floor_us = HmacFloorMicros((*store)->hasher());
  auto memory = auth::MakeLimiter("").value();
  Percentiles m = Measure(*memory, **authenticator, key, requests);
  std::printf(
      "auth+limits in memory: p50 %.2f us  p99 %.2f us  (target <= 5 us; floor: one "
      "HMAC-SHA256 %.2f us)\n",
      m.p50, m.p99, floor_us);

  std::unique_ptr<bastion::testing::RedisServer> server;
  std::string url = std::getenv("BASTION_REDIS_URL") ? std::getenv("BASTION_REDIS_URL") : "";
  if (url.empty()) {
    server = std::make_unique<bastion::testing::RedisServer>();
    if (!server->Start().ok()) {
      std::printf("auth+limits with Redis: skipped (no redis-server; set BASTION_REDIS_URL)\n");
      return 0;
    }
    url = server->url();
  }
  auto redis = auth::MakeLimiter(url);
  if (!redis.ok()) return std::fprintf(stderr, "%s\n", redis.status().message().c_str()), 1;
  Percentiles r = Measure(**redis, **authenticator, key, std::min(requests, 20'000));
  std::printf(
      "auth+limits with Redis on loopback: p50 %.1f us  p99 %.1f us  (target p99 <= "
      "200 us; two round trips per request)\n",
      r.p50, r.p99);
  return 0;
}
