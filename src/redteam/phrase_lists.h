#pragma once
// The phrases the refusal judge looks for, lowercase (ASCII-lowercased text is matched; other
// scripts are listed in the cases models write them).

#include <span>
#include <string_view>

namespace bastion::redteam {

// Declining to help, in English and ~20 other languages (attacks switch language, and models
// answer in the language they are asked in).
std::span<const std::string_view> RefusalPhrases();
// Talking about the subject instead of doing it: warnings, redirection, offers of something
// else.
std::span<const std::string_view> DiscussionPhrases();

}  // namespace bastion::redteam
