#!/usr/bin/env bash
# bench/gateway: how much latency and throughput bastion costs in front of a fast upstream,
# next to Debian's nginx as a plain reverse proxy. See bench/gateway/README.md.
#
#   bash bench/gateway/run.sh            (or: make bench-gateway)
#
# Knobs (environment):
#   DURATION=10          seconds per timed wrk run
#   REPEATS=3            rounds; the table shows the median of each figure over the rounds
#   WARMUP=2             seconds of warm-up load before each target's timed runs, every round
#   BASTION_BIN=...      bastion binary (default: build/bastion at the repo root)
#   BASTION_THREADS=N    bastion --threads (default: bastion's own default, one per core)
#   PROXY_WORKERS=N      nginx reverse proxy worker_processes (default: nproc, like bastion)
#   UPSTREAM_FRAMING=length|chunked   how the fake upstream frames its bodies (default length,
#                        i.e. Content-Length, as vLLM, llama.cpp and OpenAI do for JSON)
#   LATENCY_CPU=0        CPU that wrk, the upstream and the target share during the 1-connection
#                        runs (taskset), so the latency figures measure work, not where the
#                        scheduler put the processes; LATENCY_CPU=none leaves placement alone
#   WAIT_IDLE=SECONDS    before timing, wait up to this long for the machine to be idle
#                        (under 15% busy); default 0: warn and go on
#   MAX_OTHER=20         a round whose runs saw other processes use more than this % of a core
#   RETRIES=2            is run again (after waiting for quiet), up to RETRIES times
#   SKIP_WARN=1          skip the side run of bastion with --log-level warn
#   KEEP_TMP=1           keep the temp dir (configs, logs, raw wrk output); kept on failure too
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

DURATION=${DURATION:-10}
REPEATS=${REPEATS:-3}
WARMUP=${WARMUP:-2}
BASTION_BIN=${BASTION_BIN:-$ROOT/build/bastion}
BASTION_THREADS=${BASTION_THREADS:-}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
WRK_BIN=${WRK_BIN:-wrk}
PROXY_WORKERS=${PROXY_WORKERS:-$(nproc)}
UPSTREAM_FRAMING=${UPSTREAM_FRAMING:-length}
SKIP_WARN=${SKIP_WARN:-0}
LATENCY_CPU=${LATENCY_CPU:-0}
WAIT_IDLE=${WAIT_IDLE:-0}
MAX_OTHER=${MAX_OTHER:-20}
RETRIES=${RETRIES:-2}
KEEP_TMP=${KEEP_TMP:-0}

LUA="$HERE/chat.lua"
BODY="$HERE/body.json"

# Targets: name, and the process whose CPU we watch. bastion_warn is a side figure.
TARGETS=(direct bastion nginx)
[[ "$SKIP_WARN" == 1 ]] || TARGETS+=(bastion_warn)

die() {
  echo "bench/gateway: error: $*" >&2
  exit 1
}
note() { echo "bench/gateway: $*" >&2; }

tools=("$NGINX_BIN" "$WRK_BIN" curl)
[[ "$LATENCY_CPU" == none ]] || tools+=(taskset)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install nginx-light wrk curl)"
done
case "$UPSTREAM_FRAMING" in length | chunked) ;; *) die "UPSTREAM_FRAMING must be length or chunked" ;; esac
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || die "REPEATS must be a positive integer"
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive integer (seconds)"

# The lead developer rebuilds bastion in place; wait a little if it is briefly missing.
for _ in $(seq 1 60); do
  [[ -x "$BASTION_BIN" ]] && break
  note "waiting for $BASTION_BIN to appear (rebuild in progress?)"
  sleep 5
done
[[ -x "$BASTION_BIN" ]] || die "bastion binary not found at $BASTION_BIN (build it with 'make', or set BASTION_BIN)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bastion-bench.XXXXXX")
chmod 755 "$TMP"  # nginx workers may run as nobody when we are root
PIDS=()
WRK_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  [[ -z "$WRK_PID" ]] || kill -TERM "$WRK_PID" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ $rc -ne 0 || "$KEEP_TMP" == 1 ]]; then
    note "logs, configs and raw wrk output kept in $TMP"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_background() {  # run a command (wrk) as a waited-for child, so INT/TERM act at once
  "$@" &
  WRK_PID=$!
  local rc=0
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  return "$rc"
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

render() {  # render TEMPLATE OUT KEY=VALUE...
  local template=$1 out=$2
  shift 2
  local text
  text=$(<"$template")
  local kv
  for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
  printf '%s\n' "$text" >"$out"
}

wait_ready() {  # wait_ready NAME PID URL LOG: poll URL until it answers 2xx
  local name=$1 pid=$2 url=$3 log=$4
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || {
      tail -n 20 "$log" >&2 || true
      die "$name exited during startup (log above: $log)"
    }
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  tail -n 20 "$log" >&2 || true
  die "$name did not answer $url within 10 s"
}

children_of() {  # the pids whose parent is $1
  local stat ppid
  for stat in /proc/[0-9]*/stat; do
    ppid=$(awk '{sub(/^.*\) /, ""); print $2}' "$stat" 2>/dev/null) || continue
    if [[ "$ppid" == "$1" ]]; then
      stat=${stat#/proc/}
      echo "${stat%/stat}"
    fi
  done
  return 0
}

cpu_ticks() {  # user+system clock ticks of the given pids (whole thread groups)
  local total=0 pid t
  for pid in "$@"; do
    t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null) || t=0
    total=$((total + t))
  done
  echo "$total"
}

thread_ticks() {  # per-thread "tid comm ticks" of one process
  local task
  for task in /proc/"$1"/task/*; do
    awk -v tid="${task##*/}" '{
      comm = $0; sub(/^[^(]*\(/, "", comm); sub(/\) .*$/, "", comm); gsub(/ /, "_", comm)
      sub(/^.*\) /, ""); print tid, comm, $12 + $13 }' "$task/stat" 2>/dev/null || true
  done
}

children_cpu_seconds() {  # children_cpu_seconds VAR: user+system seconds of this shell's
  # waited-for children (wrk), from bash's `times`; it must run in this shell, not a subshell.
  times >"$TMP/times.txt"
  printf -v "$1" '%s' "$(tail -n 1 "$TMP/times.txt" | awk '{
    s = 0
    for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s$/, "", p[2]); s += p[1] * 60 + p[2] }
    printf "%.3f\n", s }')"
}

sys_ticks() {  # "busy steal" clock ticks of the whole machine, from /proc/stat
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat
}

machine_busy_pct() {  # share of all cores busy over one second, in %
  local b1 b2
  read -r b1 _ < <(sys_ticks)
  sleep 1
  read -r b2 _ < <(sys_ticks)
  awk -v d="$((b2 - b1))" -v hz="$CLK_TCK" -v n="$NPROC" 'BEGIN { printf "%.0f", d / hz / n * 100 }'
}

wait_idle() {  # wait_idle SECONDS: until the machine is under 15% busy, or SECONDS passed
  local limit=$1 waited=0 busy
  busy=$(machine_busy_pct)
  while ((busy > 15 && waited < limit)); do
    ((waited > 0)) || note "machine ${busy}% busy; waiting up to ${limit}s for it to settle"
    sleep 4
    waited=$((waited + 5))
    busy=$(machine_busy_pct)
  done
  echo "$busy"
}

set_affinity() {  # set_affinity CPULIST PID...: every thread of each process
  local cpus=$1 pid
  shift
  for pid in "$@"; do taskset -a -p -c "$cpus" "$pid" >/dev/null 2>&1 || true; done
}

median() {  # median of numbers on stdin
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---------------------------------------------------------------------------------------------
# Machine
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
NPROC=$(nproc)
CLK_TCK=$(getconf CLK_TCK)
ALL_CPUS=$(taskset -c -p $$ 2>/dev/null | sed 's/.*: *//') || true
ALL_CPUS=${ALL_CPUS:-0-$((NPROC - 1))}
echo "== bench/gateway: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: nproc=$NPROC cpu='${CPU_MODEL:-unknown}' kernel=$(uname -r)"
echo "tools:   $("$WRK_BIN" -v 2>&1 | head -n 1 | awk '{print $1, $2}'), $("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //'), bastion $("$BASTION_BIN" version 2>/dev/null | head -n 1)"
echo "runs:    ${DURATION}s per run, ${REPEATS} rounds (medians shown), ${WARMUP}s warm-up per target and round;"
echo "         latency = wrk -t1 -c1, throughput = wrk -t2 -c64; upstream framing: $UPSTREAM_FRAMING"
if [[ "$LATENCY_CPU" == none ]]; then
  echo "         1-connection runs: processes placed by the scheduler (LATENCY_CPU=none)"
else
  echo "         1-connection runs: wrk, upstream and target pinned to CPU $LATENCY_CPU (LATENCY_CPU=none to not pin)"
fi
echo "note:    wrk, the upstream nginx (1 worker) and the proxy under test share the same $NPROC cores,"
echo "         so throughput figures are a contest for CPU, not a proxy's ceiling."
echo

# ---------------------------------------------------------------------------------------------
# (1) the fake upstream: nginx answering fixed OpenAI JSON
UPORT=$(free_port)
FRAMING_DIRECTIVES=""
if [[ "$UPSTREAM_FRAMING" == chunked ]]; then
  # sub_filter drops Content-Length, so nginx sends the (unchanged) body chunked.
  FRAMING_DIRECTIVES="sub_filter_types application/json; sub_filter_once on; sub_filter '\"object\"' '\"object\"';"
fi
render "$HERE/upstream.conf.in" "$TMP/upstream.conf" "TMP=$TMP" "PORT=$UPORT" "FRAMING=$FRAMING_DIRECTIVES"
"$NGINX_BIN" -t -q -p "$TMP" -c "$TMP/upstream.conf" -g 'daemon off;' 2>"$TMP/upstream.out" ||
  { cat "$TMP/upstream.out" >&2; die "upstream nginx config does not load"; }
"$NGINX_BIN" -p "$TMP" -c "$TMP/upstream.conf" -g 'daemon off;' >>"$TMP/upstream.out" 2>&1 &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
wait_ready "upstream nginx" "$UPSTREAM_PID" "http://127.0.0.1:$UPORT/v1/models" "$TMP/upstream.out"

# (2) bastion in front of it (default log level: info, one access-log line per request)
start_bastion() {  # start_bastion NAME [extra flags...]; sets BASTION_PORT and BASTION_PID
  local name=$1
  shift
  BASTION_PORT=$(free_port)
  local args=(serve --listen "127.0.0.1:$BASTION_PORT" --insecure-no-auth --data-dir "$TMP/$name-data"
    --upstream "bench=http://127.0.0.1:$UPORT/v1")
  [[ -z "$BASTION_THREADS" ]] || args+=(--threads "$BASTION_THREADS")
  "$BASTION_BIN" "${args[@]}" "$@" >"$TMP/$name.log" 2>&1 &
  BASTION_PID=$!
  PIDS+=("$BASTION_PID")
  wait_ready "$name" "$BASTION_PID" "http://127.0.0.1:$BASTION_PORT/healthz" "$TMP/$name.log"
}
start_bastion bastion
BPORT=$BASTION_PORT
BPID=$BASTION_PID
if [[ "$SKIP_WARN" != 1 ]]; then
  start_bastion bastion_warn --log-level warn
  BWPORT=$BASTION_PORT
  BWPID=$BASTION_PID
fi

# (3) nginx as a plain reverse proxy in front of it
NPORT=$(free_port)
render "$HERE/proxy.conf.in" "$TMP/proxy.conf" "TMP=$TMP" "PORT=$NPORT" "UPORT=$UPORT" "WORKERS=$PROXY_WORKERS"
"$NGINX_BIN" -t -q -p "$TMP" -c "$TMP/proxy.conf" -g 'daemon off;' 2>"$TMP/proxy.out" ||
  { cat "$TMP/proxy.out" >&2; die "proxy nginx config does not load"; }
"$NGINX_BIN" -p "$TMP" -c "$TMP/proxy.conf" -g 'daemon off;' >>"$TMP/proxy.out" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
wait_ready "nginx reverse proxy" "$PROXY_PID" "http://127.0.0.1:$NPORT/v1/models" "$TMP/proxy.out"

declare -A URL PROC
URL[direct]="http://127.0.0.1:$UPORT"
URL[bastion]="http://127.0.0.1:$BPORT"
URL[nginx]="http://127.0.0.1:$NPORT"
PROC[bastion]=$BPID
PROC[nginx]="$PROXY_PID $(children_of "$PROXY_PID" | tr '\n' ' ')"
if [[ "$SKIP_WARN" != 1 ]]; then
  URL[bastion_warn]="http://127.0.0.1:$BWPORT"
  PROC[bastion_warn]=$BWPID
fi
UPSTREAM_PROCS="$UPSTREAM_PID $(children_of "$UPSTREAM_PID" | tr '\n' ' ')"

# ---------------------------------------------------------------------------------------------
# Correctness: one request through each target must come back 200 with the fixed completion.
for t in "${TARGETS[@]}"; do
  code=$(curl -sS -o "$TMP/check-$t.json" -w '%{http_code}' --max-time 5 \
    -H 'Content-Type: application/json' --data-binary "@$BODY" "${URL[$t]}/v1/chat/completions") ||
    die "target '$t' (${URL[$t]}): request failed"
  if [[ "$code" != 200 ]] || ! grep -q '"object":"chat.completion"' "$TMP/check-$t.json" ||
    ! grep -q 'carbide-tipped or diamond tile bit' "$TMP/check-$t.json"; then
    echo "target '$t' answered HTTP $code:" >&2
    cat "$TMP/check-$t.json" >&2
    echo >&2
    if grep -q 'body limit exceeded' "$TMP/check-$t.json" "$TMP/$t.log" 2>/dev/null; then
      echo "hint: bastion refused the upstream's Content-Length body ('body limit exceeded'), as builds" >&2
      echo "      whose HTTP client set parser.body_limit(boost::none) did with Boost 1.74. To see the" >&2
      echo "      rest of the picture meanwhile: UPSTREAM_FRAMING=chunked bash bench/gateway/run.sh" >&2
    fi
    die "target '$t' (${URL[$t]}) did not return the chat completion with status 200; not timing anything"
  fi
done
echo "check: POST /v1/chat/completions through ${TARGETS[*]}: 200 with the expected completion"
echo

# ---------------------------------------------------------------------------------------------
busy=$(wait_idle "$WAIT_IDLE")
if ((busy > 15)); then
  echo "WARNING: the machine was ${busy}% busy before the timed runs (something else is running);"
  echo "         expect noisy figures. The 'other' column below shows how much CPU others took."
  echo
fi

# Timed runs. Rounds interleave the targets so that drift on a noisy machine hits them alike.
RESULTS="$TMP/results.txt"
PENDING="$TMP/pending.txt"
RETRIED=0
: >"$RESULTS"
declare -A THREAD_BEFORE THREAD_TOTAL THREAD_NAME THREAD_SECONDS

run_wrk() {  # run_wrk TARGET CONNS THREADS DURATION ROUND [PINNED_CPU]
  local t=$1 conns=$2 threads=$3 seconds=$4 round=$5 cpu=${6:-}
  local out="$TMP/wrk-$t-c$conns-r$round.txt"
  local pin=()
  if [[ -n "$cpu" ]]; then
    # shellcheck disable=SC2086
    set_affinity "$cpu" $UPSTREAM_PROCS ${PROC[$t]:-}
    pin=(taskset -c "$cpu")
  fi

  # CPU accounting around the run: the target, the upstream, wrk, everything else on the
  # machine ("other": builds, tests, ...), and per thread for bastion (is one worker saturated?).
  # PROC and UPSTREAM_PROCS hold space-separated pid lists: split on purpose.
  local proc_before proc_after up_before up_after sys_before sys_after steal_before steal_after
  local wrk_before=0 wrk_after=0 start_ns end_ns tid comm ticks
  # shellcheck disable=SC2086
  proc_before=$(cpu_ticks ${PROC[$t]:-})
  # shellcheck disable=SC2086
  up_before=$(cpu_ticks $UPSTREAM_PROCS)
  if [[ "$t" == bastion* && "$conns" == 64 ]]; then
    while read -r tid comm ticks; do THREAD_BEFORE[$t/$tid]=$ticks; done < <(thread_ticks "${PROC[$t]}")
  fi
  children_cpu_seconds wrk_before
  read -r sys_before steal_before < <(sys_ticks)
  start_ns=$(date +%s%N)

  in_background "${pin[@]}" "$WRK_BIN" -t"$threads" -c"$conns" -d"${seconds}s" --latency -s "$LUA" \
    "${URL[$t]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk against $t failed"; }

  end_ns=$(date +%s%N)
  read -r sys_after steal_after < <(sys_ticks)
  children_cpu_seconds wrk_after
  # shellcheck disable=SC2086
  up_after=$(cpu_ticks $UPSTREAM_PROCS)
  # shellcheck disable=SC2086
  proc_after=$(cpu_ticks ${PROC[$t]:-})
  if [[ "$t" == bastion* && "$conns" == 64 ]]; then
    while read -r tid comm ticks; do
      THREAD_TOTAL[$t/$tid]=$((${THREAD_TOTAL[$t/$tid]:-0} + ticks - ${THREAD_BEFORE[$t/$tid]:-$ticks}))
      THREAD_NAME[$t/$tid]=$comm
    done < <(thread_ticks "${PROC[$t]}")
    THREAD_SECONDS[$t]=$(awk -v a="${THREAD_SECONDS[$t]:-0}" -v ns="$((end_ns - start_ns))" 'BEGIN { printf "%.3f", a + ns / 1e9 }')
  fi
  if [[ -n "$cpu" ]]; then
    # shellcheck disable=SC2086
    set_affinity "$ALL_CPUS" $UPSTREAM_PROCS ${PROC[$t]:-}
  fi

  local line cpu_fields
  line=$(grep '^RESULT ' "$out" | tail -n 1) || { cat "$out" >&2; die "no RESULT line from wrk against $t"; }
  cpu_fields=$(awk -v p="$((proc_after - proc_before))" -v u="$((up_after - up_before))" \
    -v w0="$wrk_before" -v w1="$wrk_after" -v all="$((sys_after - sys_before))" \
    -v st="$((steal_after - steal_before))" -v ns="$((end_ns - start_ns))" -v hz="$CLK_TCK" -v n="$NPROC" 'BEGIN {
      s = ns / 1e9; pp = p / hz / s * 100; uu = u / hz / s * 100; ww = (w1 - w0) / s * 100
      aa = all / hz / s * 100; oo = aa - pp - uu - ww; if (oo < 0) oo = 0
      ss = st / hz / s * 100; ii = n * 100 - aa - ss; if (ii < 0) ii = 0
      printf "proxy_cpu=%.0f upstream_cpu=%.0f wrk_cpu=%.0f other_cpu=%.0f idle_cpu=%.0f steal_cpu=%.0f",
        pp, uu, ww, oo, ii, ss }')
  echo "target=$t conns=$conns round=$round ${line#RESULT } $cpu_fields" >>"$PENDING"
}

for round in $(seq 1 "$REPEATS"); do
  for t in "${TARGETS[@]}"; do
    for attempt in $(seq 0 "$RETRIES"); do
      printf 'round %d/%d: %-13s warm-up, 1 connection, 64 connections%s\n' "$round" "$REPEATS" "$t" \
        "$( ((attempt == 0)) || echo " (again: others used the CPU)")" >&2
      : >"$PENDING"
      in_background "$WRK_BIN" -t2 -c64 -d"${WARMUP}s" -s "$LUA" "${URL[$t]}" >"$TMP/warmup-$t-r$round.txt" 2>&1 ||
        { cat "$TMP/warmup-$t-r$round.txt" >&2; die "warm-up wrk against $t failed"; }
      if [[ "$LATENCY_CPU" == none ]]; then
        run_wrk "$t" 1 1 "$DURATION" "$round"
      else
        run_wrk "$t" 1 1 "$DURATION" "$round" "$LATENCY_CPU"
      fi
      run_wrk "$t" 64 2 "$DURATION" "$round"
      disturbed=$(awk -v max="$MAX_OTHER" '{ for (i = 3; i <= NF; i++) { split($i, kv, "=")
          if (kv[1] == "other_cpu" && kv[2] + 0 > max) d = 1 } } END { print d + 0 }' "$PENDING")
      ((disturbed && attempt < RETRIES)) || break
      RETRIED=$((RETRIED + 1))
      wait_idle "$((WAIT_IDLE > 60 ? WAIT_IDLE : 60))" >/dev/null
    done
    cat "$PENDING" >>"$RESULTS"
  done
done
echo >&2

# ---------------------------------------------------------------------------------------------
# Report
field() {  # field TARGET CONNS NAME -> median over rounds
  awk -v t="target=$1" -v c="conns=$2" -v f="$3" '$1 == t && $2 == c {
      for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$RESULTS" | median
}
total() {  # total TARGET CONNS NAME -> sum over rounds
  awk -v t="target=$1" -v c="conns=$2" -v f="$3" '$1 == t && $2 == c {
      for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) s += kv[2] } } END { print s + 0 }' "$RESULTS"
}
ms() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1000 }'; }

declare -A RPS P50 P90 P99 BAD
echo "== results (median of $REPEATS rounds; latency in ms)"
printf '%-13s %5s %10s %8s %8s %8s %8s %8s\n' target conns req/s p50 p90 p99 non-2xx errors
for t in "${TARGETS[@]}"; do
  for c in 1 64; do
    RPS[$t/$c]=$(field "$t" "$c" rps)
    P50[$t/$c]=$(field "$t" "$c" p50_us)
    P90[$t/$c]=$(field "$t" "$c" p90_us)
    P99[$t/$c]=$(field "$t" "$c" p99_us)
    non2xx=$(total "$t" "$c" non2xx)
    errors=$(( $(total "$t" "$c" socket_errors) ))
    BAD[$t/$c]=$((non2xx + errors))
    printf '%-13s %5s %10.0f %8s %8s %8s %8s %8s\n' "$t" "$c" "${RPS[$t/$c]}" \
      "$(ms "${P50[$t/$c]}")" "$(ms "${P90[$t/$c]}")" "$(ms "${P99[$t/$c]}")" "$non2xx" "$errors"
  done
done
[[ "$SKIP_WARN" == 1 ]] ||
  echo "(bastion_warn: bastion with --log-level warn, i.e. without access-log lines; a side figure)"
echo

echo "== per-round figures (req/s p50_us p99_us other%: CPU others used on the machine meanwhile)"
for t in "${TARGETS[@]}"; do
  for c in 1 64; do
    printf '%-13s c=%-3s' "$t" "$c"
    awk -v t="target=$t" -v c="conns=$c" '$1 == t && $2 == c {
        r = p5 = p9 = o = ""
        for (i = 3; i <= NF; i++) { split($i, kv, "=")
          if (kv[1] == "rps") r = kv[2]; if (kv[1] == "p50_us") p5 = kv[2]
          if (kv[1] == "p99_us") p9 = kv[2]; if (kv[1] == "other_cpu") o = kv[2] }
        printf "  %7.0f %5d %6d %3d%%", r, p5, p9, o } END { print "" }' "$RESULTS"
  done
done
echo

echo "== CPU during the 64-connection runs (% of one core, median of the rounds; $NPROC cores = $((NPROC * 100))%)"
printf '%-13s %8s %10s %8s %8s %8s %8s\n' target proxy upstream wrk other idle steal
for t in "${TARGETS[@]}"; do
  printf '%-13s %7.0f%% %9.0f%% %7.0f%% %7.0f%% %7.0f%% %7.0f%%\n' "$t" "$(field "$t" 64 proxy_cpu)" \
    "$(field "$t" 64 upstream_cpu)" "$(field "$t" 64 wrk_cpu)" "$(field "$t" 64 other_cpu)" \
    "$(field "$t" 64 idle_cpu)" "$(field "$t" 64 steal_cpu)"
done
for t in bastion bastion_warn; do
  [[ -n "${URL[$t]:-}" ]] || continue
  printf '%s threads (all its 64-connection runs):' "$t"
  for key in "${!THREAD_TOTAL[@]}"; do
    [[ "$key" == "$t/"* ]] || continue
    echo "${THREAD_TOTAL[$key]} ${THREAD_NAME[$key]}:${key#*/}"
  done | sort -rn | awk -v hz="$CLK_TCK" -v s="${THREAD_SECONDS[$t]:-1}" '$1 > 0 { printf "  %s %.0f%%", $2, $1 / hz / s * 100 } END { print "" }'
done
echo "bastion RSS after the runs: $(awk '/^VmRSS/ { print $2, $3 }' "/proc/$BPID/status" 2>/dev/null || echo unknown)"
echo

# Derived figures and the issue's targets.
add_b=$(awk -v a="${P50[bastion/1]}" -v b="${P50[direct/1]}" 'BEGIN { printf "%.3f", (a - b) / 1000 }')
add_n=$(awk -v a="${P50[nginx/1]}" -v b="${P50[direct/1]}" 'BEGIN { printf "%.3f", (a - b) / 1000 }')
rps_pct=$(awk -v a="${RPS[bastion/64]}" -v b="${RPS[nginx/64]}" 'BEGIN { printf "%.1f", (b > 0 ? a / b * 100 : 0) }')
verdict() { if [[ "$1" == 1 ]]; then echo PASS; else echo MISS; fi; }
pass_lat=$(awk -v x="$add_b" 'BEGIN { print (x <= 0.1) ? 1 : 0 }')
pass_p99=$(awk -v a="${P99[bastion/64]}" -v b="${P99[nginx/64]}" 'BEGIN { print (a <= b) ? 1 : 0 }')
pass_rps=$(awk -v x="$rps_pct" 'BEGIN { print (x >= 70) ? 1 : 0 }')

echo "== what bastion adds (whole filter chain on: request id, metrics, access log at info)"
printf 'added p50 latency, 1 connection:  bastion %s ms, nginx %s ms (target p50 - direct p50 %s ms)\n' \
  "$add_b" "$add_n" "$(ms "${P50[direct/1]}")"
if [[ "$LATENCY_CPU" != none ]]; then
  echo "  (all pinned to CPU $LATENCY_CPU: the work each proxy does; with the scheduler placing processes"
  echo "   across cores, LATENCY_CPU=none, every figure is higher and noisier on this VM)"
fi
printf 'p99 at 64 connections:            bastion %s ms, nginx %s ms (direct %s ms)\n' \
  "$(ms "${P99[bastion/64]}")" "$(ms "${P99[nginx/64]}")" "$(ms "${P99[direct/64]}")"
printf 'req/s at 64 connections:          bastion %.0f = %s%% of nginx %.0f (direct %.0f)\n' \
  "${RPS[bastion/64]}" "$rps_pct" "${RPS[nginx/64]}" "${RPS[direct/64]}"
if [[ "$SKIP_WARN" != 1 ]]; then
  add_w=$(awk -v a="${P50[bastion_warn/1]}" -v b="${P50[direct/1]}" 'BEGIN { printf "%.3f", (a - b) / 1000 }')
  pct_w=$(awk -v a="${RPS[bastion_warn/64]}" -v b="${RPS[nginx/64]}" 'BEGIN { printf "%.1f", (b > 0 ? a / b * 100 : 0) }')
  printf 'side figure, --log-level warn:    adds %s ms at p50; p99 %s ms at 64 connections; %.0f req/s = %s%% of nginx\n' \
    "$add_w" "$(ms "${P99[bastion_warn/64]}")" "${RPS[bastion_warn/64]}" "$pct_w"
fi
echo
echo "== targets"
printf '%s  bastion adds <= 0.100 ms at p50 (1 connection): %s ms\n' "$(verdict "$pass_lat")" "$add_b"
printf '%s  bastion p99 <= nginx p99 (64 connections): %s vs %s ms\n' "$(verdict "$pass_p99")" \
  "$(ms "${P99[bastion/64]}")" "$(ms "${P99[nginx/64]}")"
printf '%s  bastion req/s >= 70%% of nginx (64 connections): %s%%\n' "$(verdict "$pass_rps")" "$rps_pct"
echo

# ---------------------------------------------------------------------------------------------
# After the run: no prompt (or completion) text in bastion's logs; every request answered 2xx.
leaks=0
while IFS= read -r text; do
  [[ -n "$text" ]] || continue
  for t in bastion bastion_warn; do
    [[ -f "$TMP/$t.log" ]] || continue
    if grep -qF -- "$text" "$TMP/$t.log"; then
      echo "LEAK: $t's log contains request/response text: $text" >&2
      leaks=1
    fi
  done
done < <(grep -o '"content":"[^"]*"' "$BODY" "$TMP/check-direct.json" | sed 's/^[^:]*:"content":"//; s/"$//')
bad_total=0
for t in "${TARGETS[@]}"; do bad_total=$((bad_total + BAD[$t/1] + BAD[$t/64])); done
log_lines=$(grep -c ' route=/v1/chat/completions ' "$TMP/bastion.log" || true)
log_not200=$(grep ' route=/v1/chat/completions ' "$TMP/bastion.log" | grep -vc ' status=200 ' || true)
log_not200_kinds=$(grep ' route=/v1/chat/completions ' "$TMP/bastion.log" | grep -v ' status=200 ' |
  grep -oE ' status=[0-9]+| error=[a-z_0-9]+| client_gone=true' | sort | uniq -c | sort -rn |
  awk '{ printf "%s%s x%s", sep, $2, $1; sep = "," }' || true)
echo "== checks"
echo "bastion access-log lines for chat completions: $log_lines, of which not status=200: $log_not200${log_not200_kinds:+ ($log_not200_kinds)}"
[[ "$log_not200" == 0 ]] || echo "  (wrk closes its connections with requests in flight when a run ends; those show up here, not in wrk's counts)"
if [[ "$leaks" == 0 ]]; then
  echo "ok: bastion's logs carry none of the prompt or completion text"
fi
other_max=$(awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "other_cpu" && kv[2] + 0 > m) m = kv[2] + 0 } }
  END { print m + 0 }' "$RESULTS")
((RETRIED == 0)) || echo "rounds run again because other processes used the CPU: $RETRIED"
if ((other_max > MAX_OTHER)); then
  echo "WARNING: other processes used up to ${other_max}% of a core during some timed runs (other% per"
  echo "         round above): those figures are disturbed; rerun on a quiet machine."
fi
if [[ "$bad_total" != 0 ]]; then
  echo "WARNING: wrk counted $bad_total non-2xx responses or socket errors (see the table)"
fi
warnings=$(grep -E ' (warning|error|critical) ' "$TMP/bastion.log" | grep -v 'AUTHENTICATION IS OFF' | head -n 5 || true)
if [[ -n "$warnings" ]]; then
  echo "bastion logged warnings/errors (first 5):"
  echo "$warnings"
fi
[[ "$leaks" == 0 ]] || die "bastion logged prompt or completion text"
