#include "common/config.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "common/config_table_reader.h"
#include "common/host_port.h"
#include "common/url.h"

namespace bastion {
namespace {

Status ReadTls(const toml::table& t, std::string_view origin, TlsConfig& tls) {
  TableReader r(t, "server.tls.", origin);
  r.String("cert_file", tls.cert_file);
  r.String("key_file", tls.key_file);
  r.String("min_version", tls.min_version);
  return r.Finish();
}

Status ReadServer(const toml::table& t, std::string_view origin, ServerConfig& s) {
  TableReader r(t, "server.", origin);
  r.String("listen", s.listen);
  r.String("data_dir", s.data_dir);
  r.Integer("threads", s.threads, 0, 256);
  r.Integer("max_body_bytes", s.max_body_bytes, 1024, int64_t{1} << 30);
  r.Integer("max_header_bytes", s.max_header_bytes, 1024, 1 << 20);
  r.Integer("max_connections", s.max_connections, 1, 1'000'000);
  r.Duration("header_timeout", s.header_timeout);
  r.Duration("body_timeout", s.body_timeout);
  r.Duration("keepalive_timeout", s.keepalive_timeout);
  r.Duration("write_timeout", s.write_timeout);
  r.Duration("drain_timeout", s.drain_timeout);
  r.Bool("allow_public_plaintext", s.allow_public_plaintext);
  r.Bool("insecure_no_auth", s.insecure_no_auth);
  if (auto* tls = r.Table("tls")) {
    if (Status st = ReadTls(*tls, origin, s.tls); !st.ok()) return st;
  }
  return r.Finish();
}

Status ReadUpstreamPolicy(const toml::table& t, std::string_view origin, UpstreamPolicy& p) {
  TableReader r(t, "upstream.", origin);
  r.Duration("connect_timeout", p.connect_timeout);
  r.Duration("first_byte_timeout", p.first_byte_timeout);
  r.Duration("idle_timeout", p.idle_timeout);
  r.Duration("health_interval", p.health_interval);
  r.Duration("health_timeout", p.health_timeout);
  r.String("health_path", p.health_path);
  r.Integer("unhealthy_threshold", p.unhealthy_threshold, 1, 100);
  r.Integer("healthy_threshold", p.healthy_threshold, 1, 100);
  r.Integer("retries", p.retries, 0, 10);
  r.Integer("max_response_bytes", p.max_response_bytes, 1024, int64_t{1} << 32);
  r.Integer("max_idle_connections", p.max_idle_connections, 0, 10'000);
  return r.Finish();
}

Status ReadEngine(const toml::table& t, std::string_view origin, EngineConfig& e) {
  TableReader r(t, "engine.", origin);
  r.Integer("threads", e.threads, 0, 1024);
  r.Integer("context", e.context, 16, 1 << 20);
  r.Integer("parallel", e.parallel, 1, 32);
  r.Integer("max_queue", e.max_queue, 0, 1 << 20);
  r.Bool("fast_intake_check", e.fast_intake_check);
  r.String("isolation", e.isolation);
  r.Duration("worker_hang_timeout", e.worker_hang_timeout);
  if (Status st = r.Finish(); !st.ok()) return st;
  if (e.isolation != "worker" && e.isolation != "none") {
    return Status::InvalidArgument(r.Where("isolation") +
                                   " must be \"worker\" or \"none\", not \"" + e.isolation + "\"");
  }
  if (e.worker_hang_timeout.count() <= 0) {
    return Status::InvalidArgument(r.Where("worker_hang_timeout") + " must be positive");
  }
  return Status::Ok();
}

Status ReadUpstream(const toml::table& t, std::string_view origin, const std::string& prefix,
                    UpstreamConfig& u) {
  TableReader r(t, prefix, origin);
  r.String("url", u.url);
  r.String("api_key_env", u.api_key_env);
  r.String("ca_file", u.ca_file);
  if (Status st = r.Finish(); !st.ok()) return st;
  if (u.url.empty()) return Status::InvalidArgument(r.Where("url") + " is required");
  if (!u.api_key_env.empty()) {
    const char* value = std::getenv(u.api_key_env.c_str());
    if (value == nullptr || *value == '\0') {
      return Status::InvalidArgument(r.Where("api_key_env") + ": environment variable " +
                                     u.api_key_env + " is not set");
    }
    u.api_key = value;
  }
  return Status::Ok();
}

Result<ReasoningFormat> ParseReasoning(const std::string& text, const std::string& where) {
  if (text == "auto") return ReasoningFormat::kAuto;
  if (text == "deepseek_r1") return ReasoningFormat::kDeepSeekR1;
  if (text == "none") return ReasoningFormat::kNone;
  return Status::InvalidArgument(where + " must be \"auto\", \"deepseek_r1\" or \"none\"");
}

Status ReadModel(const toml::table& t, std::string_view origin, size_t index, ModelConfig& m) {
  std::string prefix = "models[" + std::to_string(index) + "].";
  TableReader r(t, prefix, origin);
  std::string reasoning = "auto";
  r.String("name", m.name);
  r.String("upstream_model", m.upstream_model);
  r.String("reasoning", reasoning);
  r.String("path", m.path);
  r.String("quantize", m.quantize);
  r.Bool("allow_unverified", m.allow_unverified);
  const toml::array* upstreams = r.Array("upstreams");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (m.name.empty() && m.path.empty()) {
    return Status::InvalidArgument(r.Where("name") + " is required");
  }
  auto format = ParseReasoning(reasoning, r.Where("reasoning"));
  if (!format.ok()) return format.status();
  m.reasoning = *format;
  if (upstreams == nullptr) return Status::Ok();
  for (size_t i = 0; i < upstreams->size(); ++i) {
    const toml::table* ut = (*upstreams)[i].as_table();
    std::string uprefix = prefix + "upstreams[" + std::to_string(i) + "].";
    if (ut == nullptr)
      return Status::InvalidArgument(std::string(origin) + ": " + uprefix + " must be a table");
    UpstreamConfig u;
    if (Status st = ReadUpstream(*ut, origin, uprefix, u); !st.ok()) return st;
    m.upstreams.push_back(std::move(u));
  }
  return Status::Ok();
}

Status ReadLicenses(const toml::table& t, std::string_view origin, LicensePolicy& p) {
  TableReader r(t, "licenses.", origin);
  const toml::array* allow = r.Array("allow");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (allow == nullptr) return Status::Ok();
  for (const toml::node& n : *allow) {
    const auto* text = n.as_string();
    if (text == nullptr) {
      return Status::InvalidArgument(std::string(origin) +
                                     ": licenses.allow must be a list of strings, e.g. [\"MIT\"]");
    }
    p.allow.push_back(text->get());
  }
  return Status::Ok();
}

Status ReadRoot(const toml::table& root, std::string_view origin, Config& c) {
  TableReader r(root, "", origin);
  r.String("log_level", c.log_level);
  r.String("log_format", c.log_format);
  const toml::table* server = r.Table("server");
  const toml::table* upstream = r.Table("upstream");
  const toml::table* engine = r.Table("engine");
  const toml::array* models = r.Array("models");
  const toml::table* licenses = r.Table("licenses");
  const toml::table* auth = r.Table("auth");
  const toml::table* guard = r.Table("guard");
  const toml::table* audit = r.Table("audit");
  const toml::table* posture = r.Table("posture");
  if (Status st = r.Finish(); !st.ok()) return st;
  if (posture) {
    if (Status st = ReadPostureConfig(*posture, origin, c.posture); !st.ok()) return st;
  }
  if (audit) {
    if (Status st = ReadAuditConfig(*audit, origin, c.audit); !st.ok()) return st;
  }
  if (guard) {
    if (Status st = ReadGuardConfig(*guard, origin, c.guard); !st.ok()) return st;
  }
  if (auth) {
    if (Status st = ReadAuthConfig(*auth, origin, c.auth); !st.ok()) return st;
  }
  if (licenses) {
    if (Status st = ReadLicenses(*licenses, origin, c.licenses); !st.ok()) return st;
  }
  if (server) {
    if (Status st = ReadServer(*server, origin, c.server); !st.ok()) return st;
  }
  if (upstream) {
    if (Status st = ReadUpstreamPolicy(*upstream, origin, c.upstream); !st.ok()) return st;
  }
  if (engine) {
    if (Status st = ReadEngine(*engine, origin, c.engine); !st.ok()) return st;
  }
  if (models) {
    for (size_t i = 0; i < models->size(); ++i) {
      const toml::table* mt = (*models)[i].as_table();
      if (mt == nullptr) {
        return Status::InvalidArgument(std::string(origin) + ": models must be [[models]] tables");
      }
      ModelConfig m;
      if (Status st = ReadModel(*mt, origin, i, m); !st.ok()) return st;
      c.models.push_back(std::move(m));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Config> ParseConfig(std::string_view toml_text, std::string_view origin) {
  Config config;
  try {
    toml::table root = toml::parse(toml_text, origin);
    if (Status st = ReadRoot(root, origin, config); !st.ok()) return st;
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::InvalidArgument(std::string(origin) + ":" + std::to_string(where.line) + ":" +
                                   std::to_string(where.column) + ": " +
                                   std::string(e.description()));
  }
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open config file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path);
}

Status AddUpstreamSpec(Config& config, std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size()) {
    return Status::InvalidArgument(
        "bad --upstream '" + std::string(spec) +
        "': expected MODEL=URL, e.g. deepseek-r1=http://127.0.0.1:8000/v1");
  }
  std::string name(spec.substr(0, eq));
  UpstreamConfig upstream;
  upstream.url = std::string(spec.substr(eq + 1));
  for (auto& model : config.models) {
    if (model.name == name) {
      model.upstreams.push_back(std::move(upstream));
      return Status::Ok();
    }
  }
  ModelConfig model;
  model.name = std::move(name);
  model.upstreams.push_back(std::move(upstream));
  config.models.push_back(std::move(model));
  return Status::Ok();
}

Status ValidateConfig(const Config& config) {
  const ServerConfig& s = config.server;
  auto listen = ParseHostPort(s.listen);
  if (!listen.ok()) return listen.status();
  if (s.tls.enabled() && (s.tls.cert_file.empty() || s.tls.key_file.empty())) {
    return Status::InvalidArgument("server.tls needs both cert_file and key_file");
  }
  if (s.tls.min_version != "1.2" && s.tls.min_version != "1.3") {
    return Status::InvalidArgument("server.tls.min_version must be \"1.2\" or \"1.3\"");
  }
  if (!IsLoopbackHost(listen->host) && !s.tls.enabled() && !s.allow_public_plaintext) {
    return Status::FailedPrecondition(
        "refusing to listen on non-loopback address " + s.listen +
        " without TLS: set server.tls.cert_file and key_file, or set "
        "server.allow_public_plaintext = true if a TLS proxy sits in front");
  }
  std::set<std::string> names;
  for (const auto& model : config.models) {
    if (!model.name.empty() && !names.insert(model.name).second) {
      return Status::InvalidArgument("model '" + model.name + "' is configured twice");
    }
    if (!model.quantize.empty() && model.quantize != "q8_0") {
      return Status::InvalidArgument("model '" + model.name + "': quantize must be \"q8_0\"");
    }
    if (!model.path.empty() && !model.upstreams.empty()) {
      return Status::InvalidArgument("model '" + model.name +
                                     "' has both a path (embedded engine) and upstreams; "
                                     "give one or the other");
    }
    if (model.path.empty() && model.upstreams.empty()) {
      return Status::InvalidArgument("model '" + model.name +
                                     "' has no upstreams and no path to serve it from");
    }
    for (const auto& upstream : model.upstreams) {
      auto url = ParseUrl(upstream.url);
      if (!url.ok()) {
        return Status::InvalidArgument("model '" + model.name + "': " + url.status().message());
      }
      if (!upstream.ca_file.empty() && url->scheme != "https") {
        return Status::InvalidArgument("model '" + model.name + "': upstream " + upstream.url +
                                       ": ca_file is only for https:// upstreams");
      }
    }
  }
  if (!config.upstream.health_path.empty() && config.upstream.health_path.front() != '/') {
    return Status::InvalidArgument("upstream.health_path must start with '/'");
  }
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(config.log_level)) {
    return Status::InvalidArgument("log_level must be one of trace, debug, info, warn, error, off");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    return Status::InvalidArgument("log_format must be \"text\" or \"json\"");
  }
  if (Status st = ValidateAuditConfig(config); !st.ok()) return st;
  return ValidateAuthConfig(config);
}

ReasoningFormat EffectiveReasoning(const ModelConfig& model) {
  if (model.reasoning != ReasoningFormat::kAuto) return model.reasoning;
  std::string lower;
  for (char c : model.name + " " + model.upstream_model) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  bool r1 = lower.find("deepseek-r1") != std::string::npos ||
            lower.find("deepseek_r1") != std::string::npos ||
            lower.find("r1-distill") != std::string::npos;
  return r1 ? ReasoningFormat::kDeepSeekR1 : ReasoningFormat::kNone;
}

}  // namespace bastion
