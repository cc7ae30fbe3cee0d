// `bastion scan` judges hostile files by design: the whole dispatch (format sniffing by bytes,
// safetensors, GGUF and its templates, JSON configs, pickles, .npy, zip archives and the
// entries inside them, nested) on one input, under every name that changes the path taken.
#include <cstddef>
#include <cstdint>
#include <span>

#include "model/intake/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::model;
  volatile size_t sink = 0;
  const std::span<const uint8_t> bytes(data, size);
  for (const char* name : {"model.bin", "config.json", "tokenizer_config.json", "code.py"}) {
    FileScan scan = ScanBytes(bytes, name, {});
    sink = sink + scan.findings.size() + scan.error.size() + static_cast<size_t>(scan.verdict);
    for (const Finding& f : scan.findings) sink = sink + f.rule.size() + f.detail.size();
  }
  return 0;
}
