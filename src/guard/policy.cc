#include "guard/policy.h"

#include <algorithm>

#include "guard/classifier_prompt.h"
#include "guard/prompt_leak.h"

namespace bastion::guard {
namespace {

bool IsKnownRule(std::string_view id) {
  if (id == kSystemPromptLeakRule) return true;
  for (Category c : {Category::kJailbreak, Category::kInjection, Category::kHarm}) {
    if (id == ClassifierRuleId(c)) return true;
  }
  for (const Rule& r : AllRules()) {
    if (r.id == id) return true;
  }
  return false;
}

}  // namespace

std::optional<Action> Policy::Layer::Find(const Finding& f) const {
  if (auto it = rules.find(f.rule); it != rules.end()) return it->second;
  return categories[static_cast<size_t>(f.category)];
}

Policy Policy::Default() {
  Policy p;
  auto set = [&](Category c, Action a) { p.base_.categories[static_cast<size_t>(c)] = a; };
  set(Category::kSecret, Action::kBlock);
  set(Category::kJailbreak, Action::kBlock);
  set(Category::kInjection, Action::kBlock);
  set(Category::kPii, Action::kRedact);
  set(Category::kHarm, Action::kFlag);
  return p;
}

Result<Policy::Layer> Policy::ReadLayer(const GuardActions& actions, std::string_view where) {
  Layer layer;
  for (const auto& [name, action_name] : actions) {
    std::optional<Action> action = ParseAction(action_name);
    if (!action) {
      return Status::InvalidArgument(std::string(where) + "." + name + " = \"" + action_name +
                                     "\": not an action (allow, flag, redact, block)");
    }
    if (auto c = ParseCategory(name)) {
      layer.categories[static_cast<size_t>(*c)] = *action;
    } else if (IsKnownRule(name)) {
      layer.rules[name] = *action;
    } else {
      return Status::InvalidArgument(
          std::string(where) + "." + name +
          ": not a category (pii, secret, jailbreak, injection, harm) or a rule id (see "
          "`bastion guard rules`)");
    }
  }
  return layer;
}

Result<Policy> Policy::FromConfig(const GuardConfig& config) {
  Policy p = Default();
  auto base = ReadLayer(config.actions, "guard.actions");
  if (!base.ok()) return base.status();
  for (size_t c = 0; c < base->categories.size(); ++c) {
    if (base->categories[c]) p.base_.categories[c] = base->categories[c];
  }
  p.base_.rules = std::move(base->rules);
  struct Kind {
    const std::vector<std::pair<std::string, GuardActions>>& from;
    std::map<std::string, Layer, std::less<>>& to;
    const char* name;
  };
  for (Kind kind : {Kind{config.roles, p.roles_, "roles"}, Kind{config.models, p.models_, "models"},
                    Kind{config.keys, p.keys_, "keys"}}) {
    for (const auto& [name, actions] : kind.from) {
      auto layer = ReadLayer(actions, "guard." + std::string(kind.name) + "." + name + ".actions");
      if (!layer.ok()) return layer.status();
      kind.to[name] = std::move(*layer);
    }
  }
  return p;
}

const Policy::Layer* Policy::Lookup(const std::map<std::string, Layer, std::less<>>& layers,
                                    std::string_view name) const {
  if (name.empty()) return nullptr;
  auto it = layers.find(name);
  return it == layers.end() ? nullptr : &it->second;
}

Action Policy::ActionFor(const Finding& f, const PolicyScope& scope) const {
  for (const Layer* layer :
       {Lookup(keys_, scope.key_id), Lookup(models_, scope.model), Lookup(roles_, scope.role)}) {
    if (layer == nullptr) continue;
    if (auto a = layer->Find(f)) return *a;
  }
  return base_.Find(f).value_or(Action::kFlag);
}

Action Policy::Decide(std::vector<Finding>& findings, const PolicyScope& scope) const {
  Action verdict = Action::kAllow;
  for (Finding& f : findings) {
    f.action = ActionFor(f, scope);
    verdict = std::max(verdict, f.action);
  }
  return verdict;
}

}  // namespace bastion::guard
