#include "common/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace bastion {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size()]) {
  for (size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0) {
    sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(value * 1e6)),
                          std::memory_order_relaxed);
  }
}

void Histogram::Render(const std::string& name, const std::string& labels,
                       std::string& out) const {
  // Bucket lines need `le` merged into the series labels.
  std::string prefix = labels.empty() ? "{" : labels.substr(0, labels.size() - 1) + ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{}le=\"{}\"}} {}\n", name, prefix, bounds_[i], cumulative);
  }
  uint64_t total = count_.load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{}le=\"+Inf\"}} {}\n", name, prefix, total);
  out += fmt::format("{}_sum{} {}\n", name, labels,
                     static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  out += fmt::format("{}_count{} {}\n", name, labels, total);
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                               0.0025,  0.005,  0.01,    0.025,  0.05,
                                               0.1,     0.25,   0.5,     1,      2.5,
                                               5,       10,     30,      60};
  return kBuckets;
}

std::string FormatLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first;
    out += "=\"";
    for (char c : labels[i].second) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '"';
  }
  return out + "}";
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(const std::string& name,
                                                    const std::string& help, const char* type) {
  Family& family = families_[name];
  if (family.type.empty()) {
    family.help = help;
    family.type = type;
  } else if (family.type != type) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  return family;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "counter").counters[FormatLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "gauge").gauges[FormatLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "histogram").histograms[FormatLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, family.help, name, family.type);
    for (const auto& [labels, c] : family.counters) {
      out += fmt::format("{}{} {}\n", name, labels, c->value());
    }
    for (const auto& [labels, g] : family.gauges) {
      out += fmt::format("{}{} {}\n", name, labels, g->value());
    }
    for (const auto& [labels, h] : family.histograms) h->Render(name, labels, out);
  }
  return out;
}

}  // namespace bastion
