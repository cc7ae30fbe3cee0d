#!/usr/bin/env bash
# bench/engine: the embedded engine's speed on a random-weight model of
# DeepSeek-R1-Distill-Qwen-1.5B's shape at Q8_0, next to the machine's memory bandwidth and
# the issue's targets (llama.cpp build 4748 on this machine class: 74 tokens/s prefill of 64
# tokens, 16.4 tokens/s decode with 2 threads).
#
#   bash bench/engine/run.sh          PROMPT=64 GEN=16 THREADS=2 STREAMS=8 KEEP_MODEL=1 to keep the file
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASTION_BIN=${BASTION_BIN:-$ROOT/build/bastion}
PROMPT=${PROMPT:-64}
GEN=${GEN:-16}
THREADS=${THREADS:-2}
MODEL=${MODEL:-${TMPDIR:-/tmp}/bastion-bench-r1-qwen-1.5b-q8_0.gguf}

[[ -x "$BASTION_BIN" ]] || { echo "bench/engine: build bastion first (make)" >&2; exit 1; }
if [[ ! -f "$MODEL" ]]; then
  echo "bench/engine: writing $MODEL (random weights, ~1.9 GB)" >&2
  /usr/bin/python3 "$HERE/make_random_model.py" "$MODEL"
fi
echo "== bench/engine: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$(nproc), $("$BASTION_BIN" version)"
STREAMS=${STREAMS:-8}
"$BASTION_BIN" bench --model "$MODEL" -p "$PROMPT" -n "$GEN" -t "$THREADS" --streams "$STREAMS" | tee "${TMPDIR:-/tmp}/bench-engine.txt"
json=$("$BASTION_BIN" bench --model "$MODEL" -p "$PROMPT" -n "$GEN" -t "$THREADS" --streams "$STREAMS" --json)
/usr/bin/python3 - "$json" <<'PY'
import json, sys
f = json.loads(sys.argv[1])
ceiling = f["bandwidth_gbs"] * 1e9 / f["weight_bytes"]
budget = f["weight_bytes"] + f["kv_bytes"]
targets = [("prefill tokens/s", f["prefill_tps"], 1.5 * 74),
           ("decode tokens/s", f["decode_tps"], 1.05 * 16.4),
           ("decode tokens/s vs 90% of the measured ceiling", f["decode_tps"], 0.9 * ceiling),
           (f"{f['streams']} streams together, x one stream", f["streams_decode_tps"] / f["decode_tps"], 4.0)]
print("== targets (issue 3: prefill >= 1.5x llama.cpp's 74 t/s, decode >= 1.05x its 16.4 t/s and")
print("   >= 90% of the bandwidth ceiling, 8 streams >= 4x one, resident <= weights + KV + 10%)")
for name, got, want in targets:
    print(f"{'PASS' if got >= want else 'MISS'}  {name}: {got:.2f} (target {want:.2f})")
if f["prefill_ceiling_tps"] > 0:
    print(f"      prefill at {100 * f['prefill_tps'] / f['prefill_ceiling_tps']:.0f}% of the ceiling measured beside it "
          f"({f['prefill_ceiling_tps']:.2f} t/s from {f['int8_gmacs']:.1f} G 8-bit multiply-adds/s)")
rss_ok = f["peak_rss_bytes"] <= 1.1 * budget
print(f"{'PASS' if rss_ok else 'MISS'}  resident {f['peak_rss_bytes'] / 1e6:.0f} MB vs weights + KV "
      f"{budget / 1e6:.0f} MB (+10%: {1.1 * budget / 1e6:.0f} MB)")
PY
[[ "${KEEP_MODEL:-1}" == 1 ]] || rm -f "$MODEL"
