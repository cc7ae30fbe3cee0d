#include "guard/redaction.h"

#include <algorithm>

namespace bastion::guard {

std::string PlaceholderLabel(const Finding& f) {
  std::string label(f.placeholder.empty() ? CategoryName(f.category) : f.placeholder);
  for (char& c : label) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return label;
}

const std::string& Redaction::PlaceholderFor(std::string_view label, std::string_view value) {
  for (const auto& [placeholder, known] : entries_) {
    if (known == value &&
        std::string_view(placeholder).substr(1).starts_with(std::string(label) + "_")) {
      return placeholder;
    }
  }
  auto counter = std::find_if(counters_.begin(), counters_.end(),
                              [&](const auto& c) { return c.first == label; });
  if (counter == counters_.end()) {
    counters_.emplace_back(std::string(label), 0);
    counter = counters_.end() - 1;
  }
  std::string placeholder =
      "[" + std::string(label) + "_" + std::to_string(++counter->second) + "]";
  longest_ = std::max(longest_, placeholder.size());
  entries_.emplace_back(std::move(placeholder), std::string(value));
  return entries_.back().first;
}

std::string Redaction::Apply(std::string_view text, const std::vector<Finding>& findings) {
  std::vector<const Finding*> spans;
  for (const Finding& f : findings) {
    if (f.action >= Action::kRedact && f.span.end <= text.size()) spans.push_back(&f);
  }
  std::sort(spans.begin(), spans.end(),
            [](const Finding* a, const Finding* b) { return a->span.start < b->span.start; });
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const Finding* f : spans) {
    if (f->span.start < at) continue;
    out.append(text.substr(at, f->span.start - at));
    out += PlaceholderFor(PlaceholderLabel(*f), text.substr(f->span.start, f->span.size()));
    at = f->span.end;
  }
  out.append(text.substr(at));
  return out;
}

std::string Redaction::Restore(std::string_view text) const {
  if (entries_.empty() || text.find('[') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find('[', at);
    if (open == std::string_view::npos) break;
    out.append(text.substr(at, open - at));
    at = open;
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const auto& e) { return text.substr(open).starts_with(e.first); });
    if (it == entries_.end()) {
      out += '[';
      at = open + 1;
      continue;
    }
    out += it->second;
    at = open + it->first.size();
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace bastion::guard
