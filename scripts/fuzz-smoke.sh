#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and runs each one
# for FUZZ_SECONDS (default 20), starting from the committed corpus. Long runs belong in
# bench/ or a developer's shell: FUZZ_SECONDS=3600 scripts/fuzz-smoke.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-20}"
cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null
status=0
for target in http_request inference_request sse_stream gguf safetensors hf_tokenizer_json zip pickle scan jwt access \
    guard_normalize guard audit redteam worker_protocol; do
  work="build-fuzz/corpus/$target"
  mkdir -p "$work"
  if ./build-fuzz/${target}_fuzz -max_total_time="$SECONDS_EACH" -max_len=65536 \
      -artifact_prefix="build-fuzz/${target}-" "$work" "tests/fuzz_corpus/$target" \
      >"build-fuzz/$target.log" 2>&1; then
    echo "fuzz $target: ok ($(grep -c . "build-fuzz/$target.log") log lines, $(ls "$work" | wc -l) new corpus files)"
  else
    echo "fuzz $target: FAILED, see build-fuzz/$target.log"; tail -30 "build-fuzz/$target.log"
    status=1
  fi
done
exit $status
