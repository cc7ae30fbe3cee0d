#pragma once
// Which files of a repository a pull leaves behind by default: formats that can run code when
// loaded (pickles: PyTorch .bin/.pt/.pth/.ckpt, .pkl, .npy object arrays, Keras .h5, Flax
// .msgpack) and Python sources (remote code that transformers would import). bastion loads
// safetensors and GGUF only, so nothing it needs is skipped.

#include <string_view>

namespace bastion::model {

enum class HubFileKind { kData, kPickle, kCode };

// By the file name's extension, case-insensitively.
HubFileKind ClassifyHubFile(std::string_view path);

// "pickle" or "code" (for kData: "data").
std::string_view HubFileKindName(HubFileKind kind);

}  // namespace bastion::model
