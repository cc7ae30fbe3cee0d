#!/usr/bin/env bash
# Installs the Debian 12 packages bastion builds, tests and benchmarks with.
# Idempotent: packages already present are skipped; uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  clang-14 libclang-rt-14-dev clang-format clang-tidy
  libboost-dev libssl-dev openssl
  libsimdjson-dev libtomlplusplus-dev libcli11-dev libfmt-dev libspdlog-dev
  libgoogle-perftools-dev libpcre2-dev zlib1g-dev
  libsqlite3-dev sqlite3 libhiredis-dev redis-server libpq-dev postgresql
  libvectorscan-dev libutf8proc-dev libsodium-dev libseccomp-dev prometheus
  python3-numpy
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  curl
  nginx-light wrk
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js (with npm) runs the e2e tests; any Node >= 18 will do, Debian's or another.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
