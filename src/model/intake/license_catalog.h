#pragma once
// What bastion knows about DeepSeek's releases: licence, whether commercial use is allowed,
// the licences inherited from the base models they were distilled from, what an operator must
// do to serve them, and the shape that identifies them when no name does. Releases that share
// a shape (V3, V3-0324, R1, R1-0528) can only be told apart by name, and their licences
// differ: the identification says so instead of guessing.

#include <cstdint>
#include <span>
#include <string_view>

namespace bastion::model {

struct UpstreamModel {
  std::string_view name;     // "Qwen2.5-Math-1.5B"
  std::string_view license;  // "Apache-2.0"
};

struct ModelShape {
  std::string_view architecture;  // config.json "architectures"[0]
  uint32_t hidden = 0;            // hidden_size
  uint32_t layers = 0;            // num_hidden_layers
};

struct Release {
  std::string_view name;     // "DeepSeek-R1-Distill-Qwen-1.5B", as on the Hub
  std::string_view license;  // SPDX where one exists; "DeepSeek-License" for the agreement
  bool commercial_use;
  std::span<const UpstreamModel> upstream;
  std::span<const std::string_view> obligations;  // for the operator who serves it
  ModelShape shape;                               // architecture empty: not known to bastion
};

// Every release, most specific name first (R1-0528 before R1).
std::span<const Release> Releases();

// The licence texts bastion recognises in a LICENSE file or a model card, by name.
std::string_view ClassifyLicenseText(std::string_view text);

}  // namespace bastion::model
