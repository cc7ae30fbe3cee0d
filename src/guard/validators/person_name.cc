#include "guard/validators/person_name.h"

#include <algorithm>

#include "guard/validators/ascii_text.h"

namespace bastion::guard {
namespace {

bool InList(std::string_view word, std::initializer_list<std::string_view> list) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view w) { return EqualsCaseless(w, word); });
}

}  // namespace

bool IsCommonNonNameWord(std::string_view w) {
  return InList(w, {"a",           "able",       "about",     "afraid",    "all",
                    "also",        "always",     "an",        "and",       "angry",
                    "any",         "are",        "as",        "assistant", "at",
                    "available",   "aware",      "back",      "based",     "being",
                    "best",        "building",   "but",       "by",        "can",
                    "confused",    "concerned",  "could",     "currently", "curious",
                    "customer",    "delighted",  "developer", "doing",     "done",
                    "engineer",    "english",    "everyone",  "excited",   "feeling",
                    "fine",        "folks",      "following", "for",       "friend",
                    "friends",     "from",       "getting",   "glad",      "going",
                    "good",        "grateful",   "great",     "groot",     "guys",
                    "happy",       "having",     "her",       "here",      "hiring",
                    "his",         "hope",       "how",       "i",         "if",
                    "in",          "interested", "is",        "it",        "its",
                    "just",        "learning",   "looking",   "madam",     "manager",
                    "me",          "my",         "new",       "never",     "no",
                    "not",         "now",        "of",        "ok",        "okay",
                    "on",          "or",         "our",       "planning",  "please",
                    "pleased",     "ready",      "reaching",  "really",    "regards",
                    "responsible", "sad",        "senior",    "junior",    "sir",
                    "so",          "sorry",      "still",     "stuck",     "student",
                    "support",     "sure",       "team",      "thank",     "thanks",
                    "that",        "the",        "their",     "there",     "these",
                    "thinking",    "this",       "those",     "thrilled",  "tired",
                    "to",          "today",      "tomorrow",  "trying",    "unable",
                    "user",        "using",      "very",      "was",       "we",
                    "what",        "when",       "where",     "which",     "who",
                    "why",         "will",       "with",      "working",   "worried",
                    "would",       "writing",    "yes",       "you",       "your",
                    "monday",      "tuesday",    "wednesday", "thursday",  "friday",
                    "saturday",    "sunday",     "admin",     "all",       "administrator",
                    "chatgpt",     "ai",         "bot",       "human",     "llm",
                    "model",       "system",     "claude",    "gpt",       "python",
                    "java",        "google",     "microsoft", "apple",     "amazon",
                    "important",   "private",    "secret",    "unknown",   "confidential",
                    "professor",   "doctor",     "nurse",     "teacher"});
}

bool IsNameCueWord(std::string_view w) {
  return InList(w, {"dear",   "hi",       "hello",    "hey",     "name",   "names",   "patient",
                    "client", "customer", "employee", "contact", "signed", "regards", "sincerely",
                    "cheers", "thanks",   "best",     "truly",   "mr",     "mrs",     "ms",
                    "miss",   "mx",       "dr",       "prof",    "sir",    "dame",    "herr",
                    "frau",   "mme",      "mlle",     "my",      "is",     "am",      "i'm",
                    "this",   "called",   "named",    "full",    "to",     "with",    "for"});
}

}  // namespace bastion::guard
