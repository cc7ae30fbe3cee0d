#include "model/intake/license_catalog.h"

#include <string>

namespace bastion::model {
namespace {

using sv = std::string_view;

constexpr sv kMitObligations[] = {
    "keep DeepSeek's copyright and MIT licence notice with any copy of the weights"};
constexpr sv kApacheUpstream =
    "keep the base model's Apache-2.0 licence and NOTICE with any copy, and state changes";
constexpr sv kQwenObligations[] = {kMitObligations[0], kApacheUpstream};
constexpr sv kLlama31Obligations[] = {
    kMitObligations[0],
    "Llama 3.1 Community License: show \"Built with Llama\", ship a copy of the licence, follow "
    "Meta's Acceptable Use Policy; over 700 million monthly active users needs Meta's licence",
};
constexpr sv kLlama33Obligations[] = {
    kMitObligations[0],
    "Llama 3.3 Community License: show \"Built with Llama\", ship a copy of the licence, follow "
    "Meta's Acceptable Use Policy; over 700 million monthly active users needs Meta's licence",
};
constexpr sv kDeepSeekLicenseObligations[] = {
    "DeepSeek License Agreement: the use restrictions of its Attachment A (no military use, no "
    "harm to minors, no unlawful discrimination, ...) bind you and must be passed on, as "
    "enforceable terms, to everyone you serve the model to or share it with",
    "keep the licence with any copy of the weights, and mark modified weights as modified",
};

constexpr UpstreamModel kQwenMath15[] = {{"Qwen2.5-Math-1.5B", "Apache-2.0"}};
constexpr UpstreamModel kQwenMath7[] = {{"Qwen2.5-Math-7B", "Apache-2.0"}};
constexpr UpstreamModel kQwen14[] = {{"Qwen2.5-14B", "Apache-2.0"}};
constexpr UpstreamModel kQwen32[] = {{"Qwen2.5-32B", "Apache-2.0"}};
constexpr UpstreamModel kLlama8[] = {{"Llama-3.1-8B", "Llama-3.1"}};
constexpr UpstreamModel kLlama70[] = {{"Llama-3.3-70B-Instruct", "Llama-3.3"}};

constexpr ModelShape kV3Shape{"DeepseekV3ForCausalLM", 7168, 61};

constexpr Release kReleases[] = {
    {"DeepSeek-R1-Distill-Qwen-1.5B",
     "MIT",
     true,
     kQwenMath15,
     kQwenObligations,
     {"Qwen2ForCausalLM", 1536, 28}},
    {"DeepSeek-R1-Distill-Qwen-7B",
     "MIT",
     true,
     kQwenMath7,
     kQwenObligations,
     {"Qwen2ForCausalLM", 3584, 28}},
    {"DeepSeek-R1-Distill-Qwen-14B",
     "MIT",
     true,
     kQwen14,
     kQwenObligations,
     {"Qwen2ForCausalLM", 5120, 48}},
    {"DeepSeek-R1-Distill-Qwen-32B",
     "MIT",
     true,
     kQwen32,
     kQwenObligations,
     {"Qwen2ForCausalLM", 5120, 64}},
    {"DeepSeek-R1-Distill-Llama-8B",
     "MIT AND Llama-3.1",
     true,
     kLlama8,
     kLlama31Obligations,
     {"LlamaForCausalLM", 4096, 32}},
    {"DeepSeek-R1-Distill-Llama-70B",
     "MIT AND Llama-3.3",
     true,
     kLlama70,
     kLlama33Obligations,
     {"LlamaForCausalLM", 8192, 80}},
    {"DeepSeek-R1-0528", "MIT", true, {}, kMitObligations, kV3Shape},
    {"DeepSeek-R1", "MIT", true, {}, kMitObligations, kV3Shape},
    {"DeepSeek-V3-0324", "MIT", true, {}, kMitObligations, kV3Shape},
    {"DeepSeek-V3", "DeepSeek-License", true, {}, kDeepSeekLicenseObligations, kV3Shape},
    {"DeepSeek-V2-Lite-Chat",
     "DeepSeek-License",
     true,
     {},
     kDeepSeekLicenseObligations,
     {"DeepseekV2ForCausalLM", 2048, 27}},
    {"DeepSeek-V2-Lite",
     "DeepSeek-License",
     true,
     {},
     kDeepSeekLicenseObligations,
     {"DeepseekV2ForCausalLM", 2048, 27}},
    {"DeepSeek-V2-Chat",
     "DeepSeek-License",
     true,
     {},
     kDeepSeekLicenseObligations,
     {"DeepseekV2ForCausalLM", 5120, 60}},
    {"DeepSeek-V2",
     "DeepSeek-License",
     true,
     {},
     kDeepSeekLicenseObligations,
     {"DeepseekV2ForCausalLM", 5120, 60}},
    {"DeepSeek-V4-Pro", "MIT", true, {}, kMitObligations, {}},
    {"DeepSeek-V4-Flash", "MIT", true, {}, kMitObligations, {}},
};

std::string Normalized(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const bool blank = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

}  // namespace

std::span<const Release> Releases() { return kReleases; }

std::string_view ClassifyLicenseText(std::string_view text) {
  const std::string t = Normalized(text.substr(0, 64 << 10));
  auto has = [&](std::string_view s) { return t.find(s) != std::string::npos; };
  if (has("deepseek license agreement")) return "DeepSeek-License";
  if (has("llama 3.3 community license")) return "Llama-3.3";
  if (has("llama 3.1 community license")) return "Llama-3.1";
  if (has("apache license") && has("version 2.0")) return "Apache-2.0";
  if (has("permission is hereby granted, free of charge")) return "MIT";
  return "";
}

}  // namespace bastion::model
