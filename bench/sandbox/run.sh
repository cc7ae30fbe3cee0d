#!/usr/bin/env bash
# bench/sandbox: what running the embedded engine in a sandboxed `bastion worker` process
# ([engine] isolation = "worker", the default) costs next to running it inside the gateway
# (isolation = "none"), which is the ceiling. Streams /v1/completions from `bastion serve
# --model` in both modes, alternately, and prints time to first token, tokens/s of one stream,
# aggregate tokens/s of --parallel streams, CPU of gateway + worker per token, and start-up
# time (launch to 'listening on'), with "worker at X% of in-process" lines. The default model,
# stories260K (tokens cost almost nothing to compute), is the worst case for the IPC overhead.
# See bench/sandbox/README.md.
#
#   bash bench/sandbox/run.sh       REPEATS=5 PARALLEL=4 MAX_TOKENS=100 SEQ=30 WAVES=10
#   MAKE_MODEL=1 bash bench/sandbox/run.sh    (a 1.9 GB random-weight R1-Distill-1.5B shape)
#
# Knobs (environment):
#   MODEL=PATH           GGUF to serve (default /work/shared/models/stories260K.gguf); any model
#                        serve loads; its context must hold the prompt (<= 12 tokens) + MAX_TOKENS
#   MAKE_MODEL=1         write (once, into $TMPDIR, ~1.9 GB, a minute or two) and use bench/engine's
#                        random-weight R1-Distill-Qwen-1.5B shape at Q8_0 with the R1 tokenizer
#                        added (make_model.py); KEEP_MODEL=0 deletes it afterwards
#   REPEATS=5            runs per mode (a fresh server each; modes alternate: in-process first in odd ones)
#   PARALLEL=4           serve --parallel, and how many streams run at once in the concurrent phase
#   MAX_TOKENS=100       completion tokens per request (temperature 0; 32 for a MODEL other than
#                        stories260K)
#   SEQ=30               sequential streams per run (3 for another MODEL)
#   WAVES=10             waves of PARALLEL concurrent streams per run (1 for another MODEL)
#   ENGINE_THREADS=N     serve --engine-threads (default: bastion's, one per core)
#   LOG_LEVEL=info       serve --log-level (info: one access-log line per request, as deployed)
#   BASTION_BIN=...      bastion binary (default: build/bastion at the repo root)
#   KEEP_TMP=1           keep the temp dir (configs and serve logs; kept on failure too)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASTION_BIN=${BASTION_BIN:-$ROOT/build/bastion}
TINY=/work/shared/models/stories260K.gguf
if [[ "${MAKE_MODEL:-0}" == 1 ]]; then
  MODEL=${MODEL:-${TMPDIR:-/tmp}/bastion-bench-r1-qwen-1.5b-q8_0-tokenizer.gguf}
  if [[ ! -f "$MODEL" ]]; then
    echo "bench/sandbox: writing $MODEL (random weights and the R1 tokenizer, ~1.9 GB)" >&2
    /usr/bin/python3 "$HERE/make_model.py" "$MODEL"
  fi
fi
MODEL=${MODEL:-$TINY}
if [[ "$MODEL" == "$TINY" ]]; then big=0; else big=1; fi
REPEATS=${REPEATS:-5}
PARALLEL=${PARALLEL:-4}
MAX_TOKENS=${MAX_TOKENS:-$( ((big)) && echo 32 || echo 100)}
SEQ=${SEQ:-$( ((big)) && echo 3 || echo 30)}
WAVES=${WAVES:-$( ((big)) && echo 1 || echo 10)}
ENGINE_THREADS=${ENGINE_THREADS:-0}
LOG_LEVEL=${LOG_LEVEL:-info}

[[ -x "$BASTION_BIN" ]] || { echo "bench/sandbox: build bastion first (make)" >&2; exit 1; }
[[ -f "$MODEL" ]] || { echo "bench/sandbox: no model at $MODEL (MODEL=path, or MAKE_MODEL=1)" >&2; exit 1; }
for v in REPEATS PARALLEL MAX_TOKENS SEQ WAVES; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench/sandbox: $v must be a positive integer" >&2; exit 1; }
done

keep=()
[[ "${KEEP_TMP:-0}" != 1 ]] || keep=(--keep-tmp)
rc=0
/usr/bin/python3 "$HERE/driver.py" --bin "$BASTION_BIN" --model "$MODEL" --repeats "$REPEATS" \
  --parallel "$PARALLEL" --max-tokens "$MAX_TOKENS" --seq "$SEQ" --waves "$WAVES" \
  --engine-threads "$ENGINE_THREADS" --log-level "$LOG_LEVEL" "${keep[@]}" |
  tee "${TMPDIR:-/tmp}/bench-sandbox.txt" || rc=$?
if [[ "${MAKE_MODEL:-0}" == 1 && "${KEEP_MODEL:-1}" != 1 ]]; then rm -f "$MODEL"; fi
exit "$rc"
