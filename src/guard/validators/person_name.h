#pragma once
// Words that can or cannot be part of a person's name, for rules that find names after a cue
// ("my name is", "Dear", "Dr.").

#include <string_view>

namespace bastion::guard {

// Capitalised words that follow name cues without being names: "I am Happy", "I'm Going",
// "Dear Hiring Manager", "Hi Team", "this is Not". ASCII case-insensitive.
bool IsCommonNonNameWord(std::string_view word);

// Words of the cues themselves ("Dear", "Mr", "Name", "Regards"), which end a name when read
// backwards from its last word. ASCII case-insensitive.
bool IsNameCueWord(std::string_view word);

}  // namespace bastion::guard
