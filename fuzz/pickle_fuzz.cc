// Pickles and .npy files are untrusted bytes: the pickle scan (walker, policy, findings) and
// the npy header parser with its scan, which hands object arrays back to the pickle scan.
// Tight limits make the bounded paths (stack, marks, memo, retained strings, finding count)
// reachable from small inputs too.
#include <cstddef>
#include <cstdint>
#include <span>

#include "model/pickle/npy_header.h"
#include "model/pickle/pickle_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion::model;
  volatile uint64_t sink = 0;
  std::span<const uint8_t> bytes(data, size);
  for (const Finding& f : ScanPickle(bytes)) sink = sink + f.detail.size() + f.rule.size();

  PickleScanOptions tight;
  tight.max_findings = 4;
  tight.limits.max_stack_items = 64;
  tight.limits.max_marks = 8;
  tight.limits.max_memo_entries = 4;
  tight.limits.max_text = 8;
  tight.limits.max_text_bytes = 64;
  tight.limits.max_texts = 8;
  tight.limits.max_pickles = 3;
  for (const Finding& f : ScanPickle(bytes, tight)) sink = sink + f.detail.size();

  auto header = ParseNpyHeader(bytes);
  if (header.ok()) sink = sink + header->shape.size() + header->descr.size() + header->data_offset;
  for (const Finding& f : ScanNpy(bytes)) sink = sink + f.detail.size();
  return 0;
}
