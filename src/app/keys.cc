// bastion keys create|list|revoke|rotate: API keys in the key store (the data directory's, or
// PostgreSQL's with --key-store-url or auth.key_store_url). A running gateway on the same
// store picks changes up within a second.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <sstream>
#include <string>

#include "app/commands.h"
#include "auth/keys/key_grant.h"
#include "auth/keys/key_json.h"
#include "auth/keys/key_store.h"
#include "common/config.h"

namespace bastion::app {
namespace {

struct KeysFlags {
  std::string data_dir = "bastion-data";
  std::string config_file;
  std::string key_store_url;
  std::string name;
  std::string role;
  std::string models;
  int64_t rpm = 0, tpm = 0, daily_tokens = 0, concurrent = 0, max_tokens = 0;
  std::string expires;
  std::string id;
  bool json = false;
};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "bastion keys: %s\n", message.c_str());
  return code;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<auth::KeyStore>> OpenStore(const KeysFlags& flags) {
  Config config;
  config.server.data_dir = flags.data_dir;
  if (!flags.config_file.empty()) {
    auto loaded = LoadConfigFile(flags.config_file);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  if (!flags.key_store_url.empty()) config.auth.key_store_url = flags.key_store_url;
  if (!config.auth.key_store_url.empty()) {
    if (Status st = ValidateAuthConfig(config); !st.ok()) return st;
  }
  return auth::OpenKeyStore(auth::KeyStoreLocationFor(config));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

Result<auth::KeySpec> SpecFrom(const KeysFlags& flags, int64_t now) {
  auth::KeySpec spec;
  spec.name = flags.name;
  auto role = auth::ParseRole(flags.role);
  if (!role) return Status::InvalidArgument("--role must be admin, operator, user or auditor");
  spec.role = *role;
  spec.models = SplitList(flags.models);
  spec.limits = {flags.rpm, flags.tpm, flags.daily_tokens, flags.concurrent, flags.max_tokens};
  if (!flags.expires.empty()) {
    auto at = auth::ExpiryFrom(flags.expires, now);
    if (!at.ok()) return at.status();
    spec.expires_at = *at;
  }
  if (Status st = auth::ValidateKeySpec(spec); !st.ok()) return st;
  return spec;
}

void PrintNewKey(const auth::ApiKey& key, bool json, const char* what) {
  if (json) {
    std::printf("%s\n", auth::NewKeyJson(key).c_str());
    return;
  }
  std::printf("%s\n", key.Text().c_str());
  std::fprintf(stderr, "%s key %s: the key above is shown only once; store it now\n", what,
               key.id.c_str());
}

int Create(const KeysFlags& flags) {
  int64_t now = UnixNow();
  auto spec = SpecFrom(flags, now);
  if (!spec.ok()) return Fail(kExitUsage, spec.status().message());
  auto store = OpenStore(flags);
  if (!store.ok()) return Fail(kExitFailure, store.status().message());
  auto key = (*store)->Create(*spec, "cli", now);
  if (!key.ok()) return Fail(kExitFailure, key.status().message());
  PrintNewKey(*key, flags.json, "created");
  return kExitOk;
}

std::string FormatTime(int64_t unix) {
  std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

int List(const KeysFlags& flags) {
  auto store = OpenStore(flags);
  if (!store.ok()) return Fail(kExitFailure, store.status().message());
  auto records = (*store)->List();
  if (!records.ok()) return Fail(kExitFailure, records.status().message());
  if (flags.json) {
    std::printf("%s\n", auth::KeyListJson(*records).c_str());
    return kExitOk;
  }
  std::printf("%-12s  %-20s  %-8s  %-9s  %-20s  %s\n", "ID", "NAME", "ROLE", "STATUS", "EXPIRES",
              "MODELS");
  int64_t now = UnixNow();
  for (const auto& r : *records) {
    std::string models;
    for (const auto& m : r.spec.models) models += (models.empty() ? "" : ",") + m;
    const char* status = r.revoked() ? "revoked" : r.ExpiredAt(now) ? "expired" : "active";
    std::printf("%-12s  %-20s  %-8s  %-9s  %-20s  %s\n", r.id.c_str(), r.spec.name.c_str(),
                std::string(auth::RoleName(r.spec.role)).c_str(), status,
                r.spec.expires_at ? FormatTime(r.spec.expires_at).c_str() : "never",
                models.empty() ? "(all)" : models.c_str());
  }
  return kExitOk;
}

int Revoke(const KeysFlags& flags) {
  if (!auth::IsValidKeyId(flags.id)) {
    return Fail(kExitFailure,
                "no key with that id (ids are 12 characters of a-z and 2-7; "
                "bastion keys list shows them)");
  }
  auto store = OpenStore(flags);
  if (!store.ok()) return Fail(kExitFailure, store.status().message());
  if (Status st = (*store)->Revoke(flags.id, UnixNow()); !st.ok()) {
    return Fail(kExitFailure, st.message());
  }
  std::fprintf(stderr, "revoked key %s\n", flags.id.c_str());
  return kExitOk;
}

int Rotate(const KeysFlags& flags) {
  if (!auth::IsValidKeyId(flags.id)) {
    return Fail(kExitFailure, "no key with that id (bastion keys list shows them)");
  }
  auto store = OpenStore(flags);
  if (!store.ok()) return Fail(kExitFailure, store.status().message());
  auto key = (*store)->Rotate(flags.id);
  if (!key.ok()) return Fail(kExitFailure, key.status().message());
  PrintNewKey(*key, flags.json, "rotated");
  return kExitOk;
}

void AddStoreFlags(CLI::App* cmd, KeysFlags& flags) {
  cmd->add_option("--data-dir", flags.data_dir,
                  "The server's data directory, holding keys.db (default ./bastion-data)");
  cmd->add_option("--config", flags.config_file,
                  "Take the data directory, auth.key_store_url and auth.pepper_file from this "
                  "config file");
  cmd->add_option("--key-store-url", flags.key_store_url,
                  "Keys in PostgreSQL: postgresql://USER@HOST[:PORT]/DB (a password here shows "
                  "in ps; prefer PGPASSWORD or ~/.pgpass)");
}

}  // namespace

Command RegisterKeys(CLI::App& app) {
  auto flags = std::make_shared<KeysFlags>();
  auto action = std::make_shared<std::function<int()>>();
  CLI::App* keys = app.add_subcommand(
      "keys",
      "Create, list, revoke and rotate API keys. Keys live in DATA_DIR/keys.db, or in PostgreSQL\n"
      "(auth.key_store_url), stored only as keyed hashes; a running server on the same store\n"
      "sees changes within a second.");
  keys->require_subcommand(1);

  CLI::App* create = keys->add_subcommand("create", "Create a key and print it (shown only once)");
  create->add_option("--name", flags->name, "What the key is for, e.g. ci-pipeline")->required();
  create->add_option("--role", flags->role, "admin | operator | user | auditor")->required();
  create->add_option("--models", flags->models, "Comma-separated models it may use (default: all)");
  create->add_option("--rpm", flags->rpm, "Requests per minute (default: no limit)");
  create->add_option("--tpm", flags->tpm, "Tokens per minute, prompt + completion");
  create->add_option("--daily-tokens", flags->daily_tokens, "Tokens per UTC day");
  create->add_option("--concurrent", flags->concurrent, "Requests in flight at once");
  create->add_option("--max-tokens", flags->max_tokens, "Cap on max_tokens per request");
  create->add_option("--expires", flags->expires, "Lifetime, e.g. 30d, 12h (default: never)");
  create->add_flag("--json", flags->json, "Print {\"id\",\"key\"}");
  create->callback([=] { *action = [flags] { return Create(*flags); }; });

  CLI::App* list = keys->add_subcommand("list", "List keys (never their secrets)");
  list->add_flag("--json", flags->json,
                 "Print [{\"id\",\"name\",\"role\",\"models\",\"revoked\",\"expires\",...}]");
  list->callback([=] { *action = [flags] { return List(*flags); }; });

  CLI::App* revoke = keys->add_subcommand("revoke", "Revoke a key at once");
  revoke->add_option("ID", flags->id, "The key's id (from keys list)")->required();
  revoke->callback([=] { *action = [flags] { return Revoke(*flags); }; });

  CLI::App* rotate =
      keys->add_subcommand("rotate", "Give a key a new secret; the old one stops working at once");
  rotate->add_option("ID", flags->id, "The key's id (from keys list)")->required();
  rotate->add_flag("--json", flags->json, "Print {\"id\",\"key\"}");
  rotate->callback([=] { *action = [flags] { return Rotate(*flags); }; });

  for (CLI::App* cmd : {create, list, revoke, rotate}) AddStoreFlags(cmd, *flags);
  return [action] { return *action ? (*action)() : kExitUsage; };
}

}  // namespace bastion::app
