#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "app/commands.h"
#include "common/config.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/version.h"
#include "gateway/api_error.h"
#include "gateway/gateway.h"
#include "http/server.h"

namespace bastion::app {
namespace {

struct ServeFlags {
  std::string config_file;
  std::string listen;
  std::string data_dir;
  std::vector<std::string> upstreams;
  std::string model_path;
  std::string model_name;
  std::string quantize;
  bool allow_unverified_model = false;
  bool fast_intake_check = false;
  int context = -1;
  int parallel = -1;
  int engine_threads = -1;
  bool insecure_no_auth = false;
  bool allow_public_plaintext = false;
  bool check_only = false;
  int threads = -1;
  std::string log_level;
  std::string log_format;
};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "bastion: error: %s\n", message.c_str());
  return code;
}

Result<Config> BuildConfig(const ServeFlags& flags) {
  Config config;
  if (!flags.config_file.empty()) {
    auto loaded = LoadConfigFile(flags.config_file);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  if (!flags.listen.empty()) config.server.listen = flags.listen;
  if (!flags.data_dir.empty()) config.server.data_dir = flags.data_dir;
  if (flags.threads >= 0) config.server.threads = flags.threads;
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  if (!flags.log_format.empty()) config.log_format = flags.log_format;
  if (flags.insecure_no_auth) config.server.insecure_no_auth = true;
  if (flags.allow_public_plaintext) config.server.allow_public_plaintext = true;
  for (const auto& spec : flags.upstreams) {
    if (Status st = AddUpstreamSpec(config, spec); !st.ok()) return st;
  }
  if (!flags.model_name.empty() && flags.model_path.empty()) {
    return Status::InvalidArgument(
        "--model-name names the model given with --model; add --model PATH");
  }
  if (!flags.model_path.empty()) {
    ModelConfig m;
    m.name = flags.model_name;
    m.path = flags.model_path;
    m.quantize = flags.quantize;
    m.allow_unverified = flags.allow_unverified_model;
    config.models.push_back(std::move(m));
  }
  if (flags.context >= 0) config.engine.context = flags.context;
  if (flags.parallel >= 0) config.engine.parallel = flags.parallel;
  if (flags.engine_threads >= 0) config.engine.threads = flags.engine_threads;
  if (flags.fast_intake_check) config.engine.fast_intake_check = true;
  if (Status st = ValidateConfig(config); !st.ok()) return st;
  return config;
}

Status PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create data directory '" + dir + "': " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

http::ServerOptions ServerOptionsFrom(const Config& c, int threads, MetricsRegistry& metrics,
                                      gateway::Gateway& gateway) {
  http::ServerOptions o;
  o.listen = ParseHostPort(c.server.listen).value();
  o.threads = threads;
  o.max_body_bytes = c.server.max_body_bytes;
  o.max_header_bytes = c.server.max_header_bytes;
  o.max_connections = c.server.max_connections;
  o.header_timeout = c.server.header_timeout;
  o.body_timeout = c.server.body_timeout;
  o.keepalive_timeout = c.server.keepalive_timeout;
  o.write_timeout = c.server.write_timeout;
  o.drain_timeout = c.server.drain_timeout;
  o.tls_cert_file = c.server.tls.cert_file;
  o.tls_key_file = c.server.tls.key_file;
  o.tls_min_version = c.server.tls.min_version;
  o.error_response = &gateway::ServerErrorResponse;
  o.on_rejected = [&metrics, &gateway](int status, std::string_view reason) {
    gateway.RecordRejected(status, reason);
    metrics
        .GetCounter("bastion_http_rejected_total",
                    "Requests the HTTP server refused before routing (bad HTTP, limits, timeouts)",
                    {{"status", std::to_string(status)}})
        .Inc();
    spdlog::info("rejected status={} reason=\"{}\"", status, reason);
  };
  return o;
}

int Serve(const ServeFlags& flags) {
  auto built = BuildConfig(flags);
  if (!built.ok()) return Fail(kExitUsage, built.status().message());
  auto config = std::make_shared<const Config>(std::move(*built));
  int threads = config->server.threads > 0
                    ? config->server.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  MetricsRegistry metrics;
  auto created =
      gateway::Gateway::Create(config, metrics, static_cast<size_t>(threads), flags.check_only);
  if (!created.ok()) return Fail(kExitUsage, created.status().message());
  http::ServerOptions options = ServerOptionsFrom(*config, threads, metrics, **created);
  if (Status st = http::HttpServer::CheckTls(options); !st.ok()) {
    return Fail(kExitUsage, st.message());
  }
  if (flags.check_only) {
    std::printf("bastion: configuration OK (%zu models, listen %s)\n", config->models.size(),
                config->server.listen.c_str());
    return kExitOk;
  }
  InitLogging(config->log_level, config->log_format);
  if (Status st = PrepareDataDir(config->server.data_dir); !st.ok()) {
    return Fail(kExitFailure, st.message());
  }
  for (const auto& name : (*created)->model_names()) spdlog::info("serving model '{}'", name);
  for (const ModelConfig& m : config->models) {
    if (!m.path.empty() && m.allow_unverified) {
      spdlog::warn(
          "*** UNVERIFIED MODEL: {} was loaded without checking it against an intake "
          "record (--allow-unverified-model): nothing proves its files are the ones "
          "scanned ***",
          m.path);
    }
  }
  metrics.GetGauge("bastion_build_info", "bastion's version", {{"version", kVersion}}).Set(1);
  gateway::Gateway& gateway = **created;
  http::HttpServer server(
      std::move(options),
      [&gateway](http::Request& req, http::ResponseWriter& w) { return gateway.Handle(req, w); });
  if (Status st = server.Listen(); !st.ok()) return Fail(kExitFailure, st.message());
  if (config->server.insecure_no_auth) {
    spdlog::warn(
        "*** AUTHENTICATION IS OFF (--insecure-no-auth): anyone who can reach this "
        "address can use every model. Use only on a trusted host. ***");
  }
  if (config->server.allow_public_plaintext) {
    spdlog::warn(
        "server.allow_public_plaintext is set: traffic on a public address is not "
        "encrypted by bastion");
  }
  gateway.StartHealthChecks(server.control_executor());
  server.OnDrain([&gateway] { gateway.BeginDrain(); });
  // Before "listening on": whoever sees that line may send SIGTERM at once, and must get a drain.
  server.DrainOnSignals();
  HostPort bound{ParseHostPort(config->server.listen)->host, server.port()};
  spdlog::info("bastion {} listening on {}://{} with {} worker threads and {} models", kVersion,
               config->server.tls.enabled() ? "https" : "http", bound.ToString(), threads,
               config->models.size());
  FlushLogs();  // whoever waits for "listening on" should not wait for the batch
  server.Run();
  gateway.Shutdown();
  spdlog::info("bastion stopped");
  FlushLogs();
  return kExitOk;
}

}  // namespace

Command RegisterServe(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the OpenAI-compatible API (POST /v1/chat/completions, /v1/completions,\n"
      "GET /v1/models, /healthz, /readyz, /metrics) with the embedded engine (--model) or in\n"
      "front of upstream engines (--upstream, e.g. vLLM or SGLang).\n"
      "Flags override the config file. Secure defaults: listens on 127.0.0.1:8080; refuses a\n"
      "non-loopback address without TLS; every route but /healthz needs an API key\n"
      "(bastion keys create) or a JWT ([auth.jwt]). Logs carry no prompt or completion text.");
  cmd->add_option("--config", flags->config_file, "TOML config file (see docs/configuration.md)");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  cmd->add_option("--data-dir", flags->data_dir,
                  "Directory for bastion's state (default ./bastion-data)");
  cmd->add_option("--upstream", flags->upstreams,
                  "MODEL=URL: serve MODEL from the OpenAI-compatible base URL (repeatable; e.g.\n"
                  "deepseek-r1=http://127.0.0.1:8000/v1)");
  cmd->add_option("--model", flags->model_path,
                  "Serve this model with the embedded engine: a GGUF file or a Hugging Face\n"
                  "folder (config.json, tokenizer.json, *.safetensors); llama or qwen2\n"
                  "architecture, e.g. DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf");
  cmd->add_option("--quantize", flags->quantize,
                  "q8_0: convert a Hugging Face folder's F16/BF16 weights to Q8_0 at load\n"
                  "(half the memory and about twice the decode speed)")
      ->check(CLI::IsMember({"q8_0"}));
  cmd->add_flag("--allow-unverified-model", flags->allow_unverified_model,
                "Load --model without a passing intake record (bastion intake PATH, or\n"
                "bastion pull, writes one). Logged loudly at start; doctor fails it");
  cmd->add_flag("--fast-intake-check", flags->fast_intake_check,
                "Check the model against its intake record by file sizes and modification\n"
                "times only, instead of hashing every file again");
  cmd->add_option("--model-name", flags->model_name,
                  "The id clients use for --model (default: from the model's metadata,\n"
                  "else its file name)");
  cmd->add_option("--context", flags->context,
                  "Most tokens per request, prompt and completion (default 4096; capped by\n"
                  "the model's own context). Each active request reserves this much KV cache")
      ->check(CLI::Range(16, 1 << 20));
  cmd->add_option("--parallel", flags->parallel,
                  "Requests the engine decodes together (default 4; 1-32); more wait in a queue")
      ->check(CLI::Range(1, 32));
  cmd->add_option("--engine-threads", flags->engine_threads,
                  "Threads for the embedded engine's matrix products (default: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("--insecure-no-auth", flags->insecure_no_auth,
                "Serve without authentication: every caller is an unrestricted admin. Loopback\n"
                "addresses only; logged loudly at start; doctor fails it. For local experiments");
  cmd->add_flag("--allow-public-plaintext", flags->allow_public_plaintext,
                "Allow a non-loopback address without TLS (a TLS proxy must sit in front)");
  cmd->add_flag(
      "--check", flags->check_only,
      "Validate the configuration and flags, print the verdict, and exit (like nginx -t)");
  cmd->add_option("--threads", flags->threads, "Worker threads (default: one per core)");
  cmd->add_option("--log-level", flags->log_level,
                  "trace|debug|info|warn|error|off (default info)");
  cmd->add_option("--log-format", flags->log_format,
                  "text|json (default text): json writes one JSON object per line")
      ->check(CLI::IsMember({"text", "json"}));
  return [flags] { return Serve(*flags); };
}

}  // namespace bastion::app
