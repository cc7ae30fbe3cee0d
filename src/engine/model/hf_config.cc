#include "engine/model/hf_config.h"

#include <algorithm>
#include <string>

#include "engine/hf_json.h"

namespace bastion::engine {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;
constexpr int64_t kMaxDimension = 1 << 20;  // as ModelConfigFromGguf
constexpr int64_t kMaxTokens = int64_t{1} << 24;
constexpr size_t kMaxStopIds = 256;

struct Architecture {
  std::string_view hf_class;
  std::string_view model_type;  // config.json's, also ModelConfig::architecture
};
constexpr Architecture kArchitectures[] = {{"LlamaForCausalLM", "llama"},
                                           {"Qwen2ForCausalLM", "qwen2"}};

Result<std::string> ReadArchitecture(JsonFields& config) {
  if (config.Has("auto_map")) {
    return Status::InvalidArgument(config.Name("auto_map") +
                                   " is set: the model needs its own Python code "
                                   "(trust_remote_code), which bastion never runs");
  }
  auto classes = config.Array("architectures");
  auto model_type = config.String("model_type");
  if (!config.ok()) return config.status();
  std::string_view hf_class;
  if (!classes || classes->size() != 1 ||
      classes->at(0).get_string().get(hf_class) != simdjson::SUCCESS) {
    return Status::InvalidArgument(config.Name("architectures") + " must list one model class");
  }
  for (const Architecture& a : kArchitectures) {
    if (hf_class != a.hf_class) continue;
    if (model_type && *model_type != a.model_type) {
      return Status::InvalidArgument(config.Name("model_type") + " is " + Quoted(*model_type) +
                                     " but the class is " + std::string(a.hf_class));
    }
    return std::string(a.model_type);
  }
  return Status::InvalidArgument(config.Name("architectures") + " is " + Quoted(hf_class) +
                                 ": not supported by the embedded engine (LlamaForCausalLM, "
                                 "Qwen2ForCausalLM)");
}

// Features of these classes the engine's forward pass does not have.
Status RefuseUnsupportedFeatures(JsonFields& config, std::string_view architecture) {
  auto activation = config.String("hidden_act");
  bool mlp_bias = config.Bool("mlp_bias").value_or(false);
  bool attention_bias = config.Bool("attention_bias").value_or(false);
  bool sliding_window = config.Bool("use_sliding_window").value_or(false);
  bool quantized = config.Has("quantization_config");
  if (!config.ok()) return config.status();
  auto refuse = [&](std::string_view key, std::string_view what) {
    return Status::InvalidArgument(config.Name(key) + " " + std::string(what));
  };
  if (activation && *activation != "silu") {
    return refuse("hidden_act", "is " + Quoted(*activation) + ": the engine runs SiLU only");
  }
  if (mlp_bias) return refuse("mlp_bias", "is set: the engine has no feed-forward biases");
  if (attention_bias && architecture == "llama") {
    return refuse("attention_bias", "is set: the engine has no attention output bias");
  }
  if (sliding_window) return refuse("use_sliding_window", "is set: not supported");
  if (quantized) {
    return refuse("quantization_config",
                  "is set: quantized safetensors checkpoints are not supported (use the "
                  "unquantized checkpoint or a GGUF)");
  }
  return Status::Ok();
}

uint32_t Dimension(JsonFields& config, std::string_view key, int64_t max = kMaxDimension) {
  auto v = config.Int(key, 1, max);
  if (!v && config.ok()) config.Fail(key, "is missing");
  return static_cast<uint32_t>(v.value_or(0));
}

Status ReadRopeScaling(JsonFields& config, ModelConfig& c) {
  JsonFields scaling = config.Object("rope_scaling");
  auto type = scaling.String("rope_type");
  if (!type) type = scaling.String("type");
  if (!scaling.ok()) return scaling.status();
  if (!type || *type == "default") return Status::Ok();
  if (*type != "llama3") {
    return Status::InvalidArgument(scaling.Name("rope_type") + " is " + Quoted(*type) +
                                   ": the engine implements Llama 3.1's scaling (llama3) only");
  }
  auto factor = scaling.Number("factor", 1, 1024);
  auto low = scaling.Number("low_freq_factor", 1e-3, 1024);
  auto high = scaling.Number("high_freq_factor", 1e-3, 1024);
  auto original = scaling.Int("original_max_position_embeddings", 1, kMaxDimension);
  if (!scaling.ok()) return scaling.status();
  if (!factor || !low || !high || !original) {
    return Status::InvalidArgument(scaling.Name("factor") +
                                   ", 'low_freq_factor', 'high_freq_factor' and "
                                   "'original_max_position_embeddings' are all needed for llama3");
  }
  if (*high <= *low) {
    return Status::InvalidArgument(scaling.Name("high_freq_factor") +
                                   " must be above 'low_freq_factor'");
  }
  c.rope_scale_factor = static_cast<float>(*factor);
  c.rope_low_freq_factor = static_cast<float>(*low);
  c.rope_high_freq_factor = static_cast<float>(*high);
  c.rope_original_context = static_cast<uint32_t>(*original);
  return Status::Ok();
}

Status ReadShape(JsonFields& config, ModelConfig& c) {
  c.embedding = Dimension(config, "hidden_size");
  c.layers = Dimension(config, "num_hidden_layers");
  c.heads = Dimension(config, "num_attention_heads");
  c.feed_forward = Dimension(config, "intermediate_size");
  c.context_length = Dimension(config, "max_position_embeddings");
  c.vocab_size = Dimension(config, "vocab_size", kMaxTokens);
  c.kv_heads =
      config.Has("num_key_value_heads") ? Dimension(config, "num_key_value_heads") : c.heads;
  auto head_dim = config.Int("head_dim", 1, kMaxDimension);
  if (!config.ok()) return config.status();
  if (c.embedding % c.heads != 0 || c.heads % c.kv_heads != 0) {
    return Status::InvalidArgument(config.where() + ": attention heads (" +
                                   std::to_string(c.heads) + ", " + std::to_string(c.kv_heads) +
                                   " kv) do not divide the hidden size " +
                                   std::to_string(c.embedding));
  }
  c.head_dim = c.embedding / c.heads;
  if (head_dim && *head_dim != c.head_dim) {
    return Status::InvalidArgument(config.Name("head_dim") + " is " + std::to_string(*head_dim) +
                                   ": the engine needs hidden_size / num_attention_heads (" +
                                   std::to_string(c.head_dim) + ")");
  }
  if (c.head_dim % 2 != 0) {
    return Status::InvalidArgument(config.where() + ": head size must be even for RoPE");
  }
  return Status::Ok();
}

// eos_token_id: one id or a list of them (Llama 3.1: [128001, 128008, 128009]).
std::vector<TokenId> StopIds(JsonFields& config) {
  std::vector<TokenId> ids;
  auto value = config.Value("eos_token_id");
  if (!value) return ids;
  auto add = [&](simdjson::dom::element e) {
    int64_t id = -1;
    if (e.get_int64().get(id) != simdjson::SUCCESS || id < 0 || id >= kMaxTokens ||
        ids.size() == kMaxStopIds) {
      return false;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(static_cast<TokenId>(id));
    return true;
  };
  bool ok = true;
  simdjson::dom::array list;
  if (value->get_array().get(list) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : list) ok = ok && add(e);
  } else {
    ok = add(*value);
  }
  if (!ok) {
    config.Fail("eos_token_id", "must be a token id or a list of at most " +
                                    std::to_string(kMaxStopIds) + " ids below 2^24");
  }
  return ids;
}

std::optional<float> AsFloat(std::optional<double> v) {
  return v ? std::optional<float>(static_cast<float>(*v)) : std::nullopt;
}

}  // namespace

Result<HfModelConfig> ModelConfigFromHfConfig(std::string_view config_json,
                                              std::string_view origin) {
  auto json = HfJson::Parse(config_json, HfFilePath(origin, "config.json"), kMaxConfigBytes);
  if (!json.ok()) return json.status();
  JsonFields config(json->root(), json->where(), "");
  if (!config.ok()) return config.status();
  HfModelConfig out;
  ModelConfig& c = out.config;
  auto architecture = ReadArchitecture(config);
  if (!architecture.ok()) return architecture.status();
  c.architecture = *architecture;
  if (Status st = RefuseUnsupportedFeatures(config, c.architecture); !st.ok()) return st;
  c.rope_style = RopeStyle::kHalves;  // see the header
  if (Status st = ReadShape(config, c); !st.ok()) return st;
  // Both classes' defaults when the file is silent.
  c.rms_epsilon = static_cast<float>(config.Number("rms_norm_eps", 1e-12, 0.1).value_or(1e-6));
  c.rope_base = static_cast<float>(config.Number("rope_theta", 1, 1e12).value_or(10000.0));
  out.tied_embeddings = config.Bool("tie_word_embeddings").value_or(false);
  if (!config.ok()) return config.status();
  if (Status st = ReadRopeScaling(config, c); !st.ok()) return st;
  return out;
}

Result<GenerationDefaults> GenerationDefaultsFromHf(std::string_view generation_config_json) {
  auto json = HfJson::Parse(generation_config_json, "generation_config.json", kMaxConfigBytes);
  if (!json.ok()) return json.status();
  JsonFields config(json->root(), json->where(), "");
  GenerationDefaults g;
  auto top_p = config.Number("top_p", 0, 1);
  auto repetition_penalty = config.Number("repetition_penalty", 0, 100);
  g.temperature = AsFloat(config.Number("temperature", 0, 100));
  g.top_p = AsFloat(top_p);
  g.repetition_penalty = AsFloat(repetition_penalty);
  if (auto top_k = config.Int("top_k", 0, kMaxTokens)) g.top_k = static_cast<int>(*top_k);
  if (auto bos = config.Int("bos_token_id", 0, kMaxTokens - 1)) {
    g.bos_id = static_cast<TokenId>(*bos);
  }
  g.eos_ids = StopIds(config);
  if (config.Bool("do_sample") == false) g.temperature = 0.0f;
  if (top_p == 0.0) config.Fail("top_p", "must be above 0");
  if (repetition_penalty == 0.0) config.Fail("repetition_penalty", "must be above 0");
  if (!config.ok()) return config.status();
  return g;
}

}  // namespace bastion::engine
