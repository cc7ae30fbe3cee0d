#pragma once
// The one configuration object. Loaded from TOML once at start, overridden by flags,
// validated, then shared read-only (shared_ptr<const Config>) by every thread.
// Every key is documented in docs/configuration.md.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/duration.h"
#include "common/status.h"

namespace bastion {

struct TlsConfig {
  std::string cert_file;            // PEM certificate chain
  std::string key_file;             // PEM private key
  std::string min_version = "1.2";  // "1.2" or "1.3"

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "bastion-data";
  int threads = 0;  // 0: one per core
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  int max_connections = 1024;
  Millis header_timeout{10'000};     // the whole request head must arrive within this
  Millis body_timeout{30'000};       // the whole request body must arrive within this
  Millis keepalive_timeout{60'000};  // idle time allowed between requests
  Millis write_timeout{30'000};      // a client must accept each response write within this
  Millis drain_timeout{30'000};      // on SIGTERM, in-flight requests get this long to finish
  bool allow_public_plaintext = false;
  bool insecure_no_auth = false;
  TlsConfig tls;
};

struct UpstreamPolicy {
  Millis connect_timeout{2'000};
  Millis first_byte_timeout{120'000};  // until the response head arrives
  Millis idle_timeout{60'000};         // longest silence between two body reads
  Millis health_interval{5'000};
  Millis health_timeout{2'000};
  std::string health_path = "/models";  // appended to each upstream's base URL
  int unhealthy_threshold = 2;          // failed checks before an upstream is taken out
  int healthy_threshold = 1;            // passed checks before it is put back
  int retries = 2;                      // other upstreams tried before the first byte
  size_t max_response_bytes = 64 << 20;
  int max_idle_connections = 32;  // per upstream and worker thread
};

struct UpstreamConfig {
  std::string url;          // OpenAI base URL, e.g. http://127.0.0.1:8000/v1
  std::string api_key;      // resolved credential, injected as a bearer token
  std::string api_key_env;  // environment variable the credential was read from
  std::string ca_file;      // https only: CA bundle to verify the upstream; empty: system CAs
};

enum class ReasoningFormat {
  kAuto,        // deepseek_r1 when the model name says R1, none otherwise
  kDeepSeekR1,  // split <think>...</think> into reasoning_content
  kNone,        // relay content untouched
};

struct ModelConfig {
  std::string name;            // what clients put in "model"; for `path`, empty: from the model
  std::string upstream_model;  // what upstreams are sent; empty: same as name
  ReasoningFormat reasoning = ReasoningFormat::kAuto;
  std::vector<UpstreamConfig> upstreams;
  std::string path;      // served by the embedded engine: a GGUF file or HF folder; no upstreams
  std::string quantize;  // "" or "q8_0": convert a folder's F16/BF16 weights at load
  // Load `path` without a passing intake record (bastion intake / pull). Loud; doctor reports it.
  bool allow_unverified = false;
};

// The embedded engine's resources, shared by every model it serves.
struct EngineConfig {
  int threads = 0;      // 0: one per core
  int context = 4096;   // most tokens (prompt + completion) per request; capped by the model's
  int parallel = 4;     // requests decoded together; more wait in a queue
  int max_queue = 256;  // waiting requests beyond this are refused with 503
  // Before loading, the model's files are hashed again against its intake record; with
  // `fast_intake_check`, only their sizes and modification times are compared.
  bool fast_intake_check = false;
  // Where `path` models run: "worker" (a sandboxed `bastion worker` process per model: seccomp,
  // Landlock, no network, restarted when it dies) or "none" (inside the server; doctor fails it).
  std::string isolation = "worker";
  // A worker with requests in flight that reports no progress for this long is killed and
  // restarted; its requests fail with 502.
  Millis worker_hang_timeout{120'000};
};

// Which licences models served from files may be under (bastion license names them: "MIT",
// "Apache-2.0", "Llama-3.1", "Llama-3.3", "DeepSeek-License"). Empty: any. A model under
// "MIT AND Llama-3.1" needs both; a model whose licence is not identified is refused.
struct LicensePolicy {
  std::vector<std::string> allow;
};

// [auth.roles.<role>]: what every caller with that role may use. A key's own models and
// limits narrow these further; 0 means no limit.
struct RolePolicyConfig {
  std::string role;
  std::vector<std::string> models;  // empty: every served model
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;
  int64_t daily_tokens = 0;
  int64_t concurrent = 0;
  int64_t max_tokens = 0;
};

// [auth.jwt]: bearer tokens from the company's identity provider.
struct JwtConfig {
  std::string jwks_file;  // a JWKS document on disk, or
  std::string jwks_url;   // the issuer's JWKS URL (the only other host bastion reaches)
  std::string jwks_ca_file;
  Millis jwks_refresh{300'000};
  std::string issuer;                  // required `iss`
  std::vector<std::string> audiences;  // `aud` must hold one of these
  Millis clock_skew{60'000};
  std::string role_claim = "roles";
  // Claim value -> role ([auth.jwt.roles] "bastion-admins" = "admin"); a token whose claim
  // maps to no role is refused. Several matches: the first listed in the token wins.
  std::vector<std::pair<std::string, std::string>> role_map;

  bool enabled() const { return !jwks_file.empty() || !jwks_url.empty(); }
};

struct AuthConfig {
  bool metrics_anonymous = false;  // GET /metrics without credentials
  std::string redis_url;           // shared limits for several gateways; empty: in memory
  // API keys in PostgreSQL (postgresql://...), shared by gateways on several hosts; empty:
  // SQLite in server.data_dir. Holds a password: never log it.
  std::string key_store_url;
  std::string pepper_file;  // the key hashing secret; empty: DATA_DIR/auth-pepper
  // Failed authentications from one client address within a minute before it must back off.
  int failure_threshold = 10;
  std::vector<RolePolicyConfig> roles;
  JwtConfig jwt;
};

// What the guard does per category ("pii") or rule ("pii.ip_address"): "allow", "flag",
// "redact" or "block", in the order written.
using GuardActions = std::vector<std::pair<std::string, std::string>>;

// [guard]: guardrails on requests and on generated output (docs/guardrails.md).
struct GuardConfig {
  bool enabled = true;
  bool scan_output = true;        // streamed and whole responses, reasoning included
  bool restore_redacted = true;   // placeholders in the answer get the caller's values back
  double intent_threshold = 0.5;  // evidence needed to report jailbreak, injection, harm
  int hold_back_bytes = 64;       // streamed text withheld while a match could still grow
  // Second stage: a served model (e.g. Llama Guard, or the served DeepSeek) asked about
  // requests whose intent evidence is at least classifier_from but below intent_threshold.
  std::string classifier_model;  // empty: no second stage
  double classifier_from = 0.2;
  GuardActions actions;           // [guard.actions], over the defaults
  // Overrides by role, model and key id; the most specific wins (key, model, role).
  std::vector<std::pair<std::string, GuardActions>> roles, models, keys;
};

// [audit]: one event per request, chained and signed (docs/audit.md).
// What an event may keep of the prompt and the completion.
enum class ContentPolicy {
  kNone,       // nothing: keyed digests only (the default)
  kRedacted,   // the text after the guard's PII and secret redaction
  kEncrypted,  // sealed to the auditor's public key; the server cannot read it back
};

struct AuditConfig {
  bool enabled = true;
  // postgresql://... for a trail shared by several gateways; empty: SQLite DATA_DIR/audit.db.
  // Holds a password: never log it.
  std::string store_url;
  ContentPolicy content = ContentPolicy::kNone;
  // Overrides by role and by key id ("key:<id>" subjects use the id); the key wins.
  std::vector<std::pair<std::string, ContentPolicy>> roles, keys;
  std::string auditor_public_key_file;  // needed when any policy is "encrypted"
  std::string signing_key_file;         // Ed25519 checkpoint key; empty: DATA_DIR/audit-signing.key
  std::string digest_key_file;          // keyed-digest secret; empty: DATA_DIR/audit-digest.key
  Millis retain_metadata{90LL * 86'400'000};  // events older than this are purged
  Millis retain_content{30LL * 86'400'000};   // stored content older than this is erased
  Millis purge_interval{3'600'000};           // how often the purge job runs; 0: never
  Millis checkpoint_interval{1'000};          // at most this long between signed checkpoints
  Millis commit_delay{2};                     // how long events may wait to share a commit
  int max_batch = 1024;                       // events per group commit
  int queue_capacity = 65536;                 // events waiting; beyond, requests fail with 503

  // Whether the default or any role's or key's override is `policy`.
  bool Uses(ContentPolicy policy) const;
};

// The name a policy has in config files and events: "none", "redacted", "encrypted".
std::string_view ContentPolicyName(ContentPolicy policy);

// [posture]: what `bastion doctor` holds the deployment to, beyond the settings above.
struct PostureConfig {
  std::string redteam_report;                // a report.json from `bastion redteam`; empty: none
  double max_asr = 0.2;                      // highest acceptable overall attack success rate (0-1)
  Millis max_report_age{30LL * 86'400'000};  // an older red-team report is stale
  // "public", "internal", "confidential", "pii", "phi" or "privileged"; empty: not declared.
  std::string data_class;
  bool obligations_acknowledged = false;  // the operator accepts the data class's obligations
};

struct Config {
  ServerConfig server;
  UpstreamPolicy upstream;
  EngineConfig engine;
  std::vector<ModelConfig> models;
  LicensePolicy licenses;
  AuthConfig auth;
  GuardConfig guard;
  AuditConfig audit;
  PostureConfig posture;
  std::string log_level = "info";
  std::string log_format = "text";  // "text" or "json" (one JSON object per line)
};

// Parses TOML text; `origin` names the source in error messages. Unknown keys are errors.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view origin);
Result<Config> LoadConfigFile(const std::string& path);

// Adds `url` as an upstream of model `name`, creating the model when new.
// `spec` is "MODEL=URL", the --upstream flag's form.
Status AddUpstreamSpec(Config& config, std::string_view spec);

// Checks the whole object: addresses parse, TLS files given in pairs, URLs are http(s),
// secure-default rules (no public plaintext bind unless allowed explicitly).
Status ValidateConfig(const Config& config);

// A guard policy file for `bastion guard scan --policy`: a bastion config (its [guard] table is
// read, the rest ignored) or a file holding only the [guard] table's keys at the top level.
Result<GuardConfig> LoadGuardPolicyFile(const std::string& path);

// The [auth] rules: roles and role mappings name real roles, JWT settings are complete,
// --insecure-no-auth only on loopback (auth_config.cc).
Status ValidateAuthConfig(const Config& config);

// The reasoning format a model gets once kAuto is resolved.
ReasoningFormat EffectiveReasoning(const ModelConfig& model);

}  // namespace bastion
