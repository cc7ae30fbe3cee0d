#!/usr/bin/env bash
# Installs the npm packages the e2e tests use (the official openai client), from the
# lockfile when there is one. Idempotent: does nothing when node_modules is current.
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
if [ -d node_modules/openai ] && [ node_modules/.package-lock.json -nt package.json ]; then
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
