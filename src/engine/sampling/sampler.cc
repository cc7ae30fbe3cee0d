#include "engine/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace bastion::engine {
namespace {

// log(sum(exp(x))) over `logits`, stable.
double LogSumExp(std::span<const float> logits) {
  float max = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float l : logits) sum += std::exp(static_cast<double>(l - max));
  return max + std::log(sum);
}

TokenId ArgMax(std::span<const float> logits) {
  return static_cast<TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

}  // namespace

Sampler::Sampler(const SamplingParams& params) : params_(params), state_(params.seed) {}

double Sampler::NextUniform() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

void Sampler::ApplyPenalties(std::span<float> logits, std::span<const TokenId> history) const {
  bool repetition = params_.repetition_penalty != 1.0f;
  if (!repetition && params_.frequency_penalty == 0 && params_.presence_penalty == 0) return;
  std::unordered_map<TokenId, int> counts;
  for (TokenId id : history) {
    if (id >= 0 && static_cast<size_t>(id) < logits.size()) ++counts[id];
  }
  for (auto [id, count] : counts) {
    float& l = logits[id];
    if (repetition) l = l > 0 ? l / params_.repetition_penalty : l * params_.repetition_penalty;
    l -= static_cast<float>(count) * params_.frequency_penalty + params_.presence_penalty;
  }
}

void Sampler::TopLogprobs(std::span<const float> logits, SampledToken& out) const {
  double norm = LogSumExp(logits);
  out.logprob = static_cast<float>(logits[out.id] - norm);
  int n = std::clamp(params_.top_logprobs, 0, 20);
  if (n == 0) return;
  std::vector<TokenId> ids(logits.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<TokenId>(i);
  n = std::min<int>(n, static_cast<int>(ids.size()));
  std::partial_sort(ids.begin(), ids.begin() + n, ids.end(), [&](TokenId a, TokenId b) {
    return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
  });
  for (int i = 0; i < n; ++i) {
    out.top.push_back({ids[i], static_cast<float>(logits[ids[i]] - norm)});
  }
}

SampledToken Sampler::Sample(std::span<float> logits, std::span<const TokenId> history) {
  SampledToken out{0, 0, {}};
  ApplyPenalties(logits, history);
  // Logprobs describe the distribution the penalties leave, before temperature and filters.
  out.id = params_.temperature <= 0 ? ArgMax(logits) : Draw(logits);
  TopLogprobs(logits, out);
  return out;
}

TokenId Sampler::Draw(std::span<const float> logits) {
  candidates_.clear();
  candidates_.reserve(logits.size());
  float inv_t = 1.0f / params_.temperature;
  for (size_t i = 0; i < logits.size(); ++i) {
    candidates_.push_back({static_cast<TokenId>(i), logits[i] * inv_t});
  }
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
  };
  // Only the head of the distribution matters: sort the best 1024 (or top_k) and widen
  // to a full sort only if top-p needs more.
  size_t keep = candidates_.size();
  if (params_.top_k > 0) keep = std::min(keep, static_cast<size_t>(params_.top_k));
  size_t head = std::min(keep, static_cast<size_t>(1024));
  std::partial_sort(candidates_.begin(), candidates_.begin() + head, candidates_.end(), better);
  double max = candidates_[0].logit;
  double total = 0;  // over all kept candidates
  for (size_t i = 0; i < keep; ++i) total += std::exp(candidates_[i].logit - max);
  if (params_.top_p < 1.0f) {
    double cumulative = 0;
    size_t n = 0;
    for (; n < keep; ++n) {
      if (n == head) {  // the head did not reach top_p: sort the rest of what is kept
        std::sort(candidates_.begin() + head, candidates_.begin() + keep, better);
        head = keep;
      }
      cumulative += std::exp(candidates_[n].logit - max) / total;
      if (cumulative >= params_.top_p) {
        ++n;
        break;
      }
    }
    keep = std::max<size_t>(n, 1);
  }
  if (params_.min_p > 0) {
    double floor = std::log(params_.min_p);  // p/p(best) >= min_p  <=>  logit - max >= log(min_p)
    auto passes = [&](const Candidate& c) { return c.logit - max >= floor; };
    size_t n = 1;
    while (n < keep && n < head && passes(candidates_[n])) ++n;
    if (n == head && head < keep) {  // the unsorted tail may hold more that pass
      n = std::partition(candidates_.begin() + head, candidates_.begin() + keep, passes) -
          candidates_.begin();
    }
    keep = n;
  }
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) sum += std::exp(candidates_[i].logit - max);
  double target = NextUniform() * sum;
  for (size_t i = 0; i < keep; ++i) {
    target -= std::exp(candidates_[i].logit - max);
    if (target < 0) return candidates_[i].id;
  }
  return candidates_[keep - 1].id;
}

}  // namespace bastion::engine
