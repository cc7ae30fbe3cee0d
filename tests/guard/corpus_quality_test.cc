// Precision and recall of the default detector on the project's own labelled corpus, per
// category and per rule, with a floor per category that the suite must not fall below.
//
// Span detectors (PII, secrets) are scored per finding: a finding is a true positive when an
// expectation names its rule and exactly its text. Intent detectors (jailbreak, injection,
// harm) are scored per line: the category was expected, or was not.

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "guard/detector.h"
#include "guard/labelled_corpus.h"

namespace bastion::guard {
namespace {

struct Tally {
  size_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : double(tp) / double(tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : double(tp) / double(tp + fn); }
};

struct Floor {
  Category category;
  double precision, recall;
};

// Set a little below what the detectors measure, so a regression fails the suite. The intent
// corpora hold obfuscated positives the normaliser cannot undo yet (digits standing alone as
// leet, "d0", spaced letters that run two words together), which bound their recall.
// clang-format off
constexpr Floor kFloors[] = {
    {Category::kPii, 0.95, 0.97},
    {Category::kSecret, 0.97, 0.97},
    {Category::kJailbreak, 0.95, 0.95},
    {Category::kInjection, 0.95, 0.90},
    {Category::kHarm, 0.95, 0.92},
};
// clang-format on

bool IsSpanCategory(Category c) { return c == Category::kPii || c == Category::kSecret; }

class CorpusQuality : public ::testing::Test {
 protected:
  void Score(const testing::LabelledText& item, const Detection& d) {
    std::vector<bool> matched(item.expect.size(), false);
    for (const Finding& f : d.findings) {
      if (!IsSpanCategory(f.category)) continue;
      std::string_view value = std::string_view(item.text).substr(f.span.start, f.span.size());
      bool hit = false;
      for (size_t i = 0; i < item.expect.size(); ++i) {
        if (!matched[i] && item.expect[i].rule == f.rule && item.expect[i].value == value) {
          matched[i] = hit = true;
          break;
        }
      }
      Count(f.category, std::string(f.rule), hit ? &Tally::tp : &Tally::fp);
      if (!hit) Miss(item, "unexpected " + std::string(f.rule) + " '" + std::string(value) + "'");
    }
    for (size_t i = 0; i < item.expect.size(); ++i) {
      const auto& e = item.expect[i];
      if (e.rule.empty() || matched[i]) continue;
      auto c = ParseCategory(e.rule.substr(0, e.rule.find('.')));
      if (!c) ADD_FAILURE() << item.file << ":" << item.line << ": unknown rule " << e.rule;
      if (c) Count(*c, e.rule, &Tally::fn);
      Miss(item, "missed " + e.rule + " '" + e.value + "'");
    }
    for (Category c : {Category::kJailbreak, Category::kInjection, Category::kHarm}) {
      bool expected = false, found = false;
      for (const auto& e : item.expect) expected = expected || e.category == CategoryName(c);
      for (const Finding& f : d.findings) found = found || f.category == c;
      if (!expected && !found) continue;
      Count(c, "", expected && found ? &Tally::tp : found ? &Tally::fp : &Tally::fn);
      if (expected != found) {
        Miss(item, std::string(found ? "unexpected " : "missed ") + std::string(CategoryName(c)));
      }
    }
  }

  void Count(Category c, const std::string& rule, size_t Tally::*field) {
    categories_[c].*field += 1;
    if (!rule.empty()) rules_[rule].*field += 1;
  }
  void Miss(const testing::LabelledText& item, const std::string& what) {
    misses_.push_back(item.file + ":" + std::to_string(item.line) + ": " + what);
  }

  std::map<Category, Tally> categories_;
  std::map<std::string, Tally> rules_;
  std::vector<std::string> misses_;
};

TEST_F(CorpusQuality, EveryDetectorMeetsItsFloor) {
  auto detector = Detector::Create();
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  size_t lines = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(BASTION_SOURCE_DIR "/tests/guard/corpus")) {
    if (entry.path().extension() != ".jsonl") continue;
    for (const auto& item : testing::ReadLabelledCorpus(entry.path())) {
      Score(item, (*detector)->Detect(item.text));
      ++lines;
    }
  }
  std::printf("%zu labelled lines\n%-36s %9s %9s %5s %5s %5s\n", lines, "detector / rule",
              "precision", "recall", "tp", "fp", "fn");
  for (const auto& [c, t] : categories_) {
    std::printf("%-36s %9.3f %9.3f %5zu %5zu %5zu\n", std::string(CategoryName(c)).c_str(),
                t.precision(), t.recall(), t.tp, t.fp, t.fn);
  }
  for (const auto& [rule, t] : rules_) {
    std::printf("  %-34s %9.3f %9.3f %5zu %5zu %5zu\n", rule.c_str(), t.precision(), t.recall(),
                t.tp, t.fp, t.fn);
  }
  for (const auto& m : misses_) std::printf("  %s\n", m.c_str());
  for (const Floor& floor : kFloors) {
    const Tally& t = categories_[floor.category];
    EXPECT_GT(t.tp + t.fn, 0u) << CategoryName(floor.category) << " has no labelled positives";
    EXPECT_GE(t.precision(), floor.precision) << CategoryName(floor.category);
    EXPECT_GE(t.recall(), floor.recall) << CategoryName(floor.category);
  }
}

}  // namespace
}  // namespace bastion::guard
