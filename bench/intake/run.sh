#!/usr/bin/env bash
# bench/intake: how fast bastion hashes and scans a model snapshot, next to sha256sum and
# `openssl dgst -sha256` on the same files and OpenSSL's in-memory SHA-256 speed (the ceiling
# per core). Files are read once first, so every tool hashes from the page cache.
#
#   bash bench/intake/run.sh        SIZE_MB=1024 FILES=4 (a 4 GB snapshot), KEEP=1 to keep it
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASTION_BIN=${BASTION_BIN:-$ROOT/build/bastion}
SIZE_MB=${SIZE_MB:-1024}
FILES=${FILES:-4}
DIR=${DIR:-${TMPDIR:-/tmp}/bastion-bench-intake}
[[ -x "$BASTION_BIN" ]] || { echo "bench/intake: build bastion first (make)" >&2; exit 1; }

mkdir -p "$DIR"
for i in $(seq 1 "$FILES"); do
  f="$DIR/model-0000$i-of-0000$FILES.safetensors"
  if [[ ! -f "$f" ]]; then
    echo "bench/intake: writing $f ($SIZE_MB MB of random bytes)" >&2
    /usr/bin/python3 - "$f" "$SIZE_MB" <<'PY'
import json, os, struct, sys
path, mb = sys.argv[1], int(sys.argv[2])
size = mb << 20
header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header)
    for _ in range(mb):
        f.write(os.urandom(1 << 20))
PY
  fi
done
total=$(du -cb "$DIR"/*.safetensors | tail -1 | cut -f1)
cat "$DIR"/*.safetensors > /dev/null  # into the page cache
gbs() { /usr/bin/python3 -c "print(f'{$total / 1e9 / $1:.2f}')"; }
timed() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); /usr/bin/python3 -c "print($e - $s)"; }

echo "== bench/intake: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$(nproc), $("$BASTION_BIN" version), $FILES files, $((total / 1000000)) MB"
grep -m1 -o 'sha_ni' /proc/cpuinfo > /dev/null && echo "cpu: SHA extensions (sha_ni) present" || echo "cpu: no SHA extensions"
speed=$(openssl speed -evp sha256 -bytes 16384 -seconds 2 2>/dev/null | awk '/^sha256/ {print $NF}' | tr -d k)
echo "openssl speed -evp sha256 (16 KiB blocks, one core): $(/usr/bin/python3 -c "print(f'{$speed * 1000 / 1e9:.2f}')") GB/s"
"$BASTION_BIN" manifest "$DIR" > "$DIR.manifest.json"
t=$(timed openssl dgst -sha256 "$DIR"/*.safetensors); echo "openssl dgst -sha256 (one core):  $(gbs "$t") GB/s"
t=$(timed sha256sum "$DIR"/*.safetensors);            echo "sha256sum (one core):             $(gbs "$t") GB/s"
t=$(timed "$BASTION_BIN" verify "$DIR" --manifest "$DIR.manifest.json" -t 1); echo "bastion verify -t 1:              $(gbs "$t") GB/s"
t=$(timed "$BASTION_BIN" verify "$DIR" --manifest "$DIR.manifest.json");      echo "bastion verify (all cores):       $(gbs "$t") GB/s"
t=$(timed "$BASTION_BIN" scan "$DIR");                                      echo "bastion scan:                     $(gbs "$t") GB/s (headers and layout; no hashing)"
# A 1 GB raw pickle (a list of 16 byte strings of 64 MB, protocol 4): picklescan takes
# 0.6-2 s and 1 GB of memory for one like it; the walker skips payloads without reading them.
PICKLE="$DIR.pkl"
if [[ ! -f "$PICKLE" ]]; then
  /usr/bin/python3 - "$PICKLE" <<'PY'
import os, struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"\x80\x04]q\x00(")  # PROTO 4, EMPTY_LIST, BINPUT 0, MARK
    for _ in range(16):
        f.write(b"\x8e" + struct.pack("<Q", 64 << 20))  # BINBYTES8
        for _ in range(64):
            f.write(os.urandom(1 << 20))
    f.write(b"e.")  # APPENDS, STOP
PY
fi
cat "$PICKLE" > /dev/null
/usr/bin/time -f "%e %M" -o "$DIR.time" "$BASTION_BIN" scan "$PICKLE" > /dev/null || true
read -r seconds rss_kb < "$DIR.time"
echo "bastion scan of a $(( $(stat -c %s "$PICKLE") / 1000000 )) MB raw pickle: $seconds s, peak resident ${rss_kb} KB"
[[ "${KEEP:-1}" == 1 ]] || rm -rf "$DIR" "$DIR.manifest.json" "$PICKLE" "$DIR.time"
