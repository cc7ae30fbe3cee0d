"""bench/sandbox's driver (run.sh calls it): starts `bastion serve --model` with the engine in
the server ([engine] isolation = "none") and in a sandboxed `bastion worker` child (isolation =
"worker", the default), alternately, REPEATS times each, and measures streaming completions
against both: time to first token and tokens/s of one stream at a time, aggregate tokens/s of
PARALLEL streams at once, CPU seconds of the server and its worker per token (utime + stime
from /proc/PID/stat), and the time from launching serve to its 'listening on' line (the
worker has loaded the model and said Hello by then). Prints medians and ranges, the
in-process figures as the ceiling for the worker's, and whether both modes generated the
same tokens. Python's standard library only.
"""
import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# Short story openings: stories260K (context 128) has room for 100 tokens after each.
PROMPTS = ["Once upon a time", "One day, a little boy", "There was a big dog",
           "Lily and Ben went to the park", "The sun was shining", "Tom had a red ball"]
MODES = ("none", "worker")
LABEL = {"none": "in-process", "worker": "worker"}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def note(msg):
    print(f"bench/sandbox: {msg}", file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proc_ticks(pid):
    """utime + stime of a whole thread group, in clock ticks (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def children(pid):
    """Child pids, from /proc/PID/task/*/children (what `pgrep -P PID` finds)."""
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return sorted(set(kids))


def machine_busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6]  # user nice system irq softirq


class Server:
    """One `bastion serve` with its stderr on a pipe (the worker may not write to a file);
    a thread copies that pipe to a log file and notes when 'listening on' appears."""

    def __init__(self, args, mode, tmp):
        self.mode = mode
        self.port = free_port()
        cfg = os.path.join(tmp, f"{mode}.toml")
        with open(cfg, "w") as f:
            f.write(f'[engine]\nisolation = "{mode}"\n')
        cmd = [args.bin, "serve", "--config", cfg, "--model", args.model,
               "--model-name", "bench", "--allow-unverified-model", "--insecure-no-auth",
               "--listen", f"127.0.0.1:{self.port}", "--data-dir", os.path.join(tmp, "data"),
               "--parallel", str(args.parallel), "--log-level", args.log_level]
        if args.engine_threads:
            cmd += ["--engine-threads", str(args.engine_threads)]
        self.log_path = os.path.join(tmp, f"serve-{mode}.log")
        self.log = open(self.log_path, "ab")
        self.listening = threading.Event()
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.PIPE)
        self.t_listen = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.listening.wait(args.start_timeout) or self.proc.poll() is not None:
            self.stop()
            sys.stderr.write(open(self.log_path, errors="replace").read()[-3000:])
            raise SystemExit(f"bench/sandbox: bastion serve ({mode}) did not start; log: {self.log_path}")
        self.startup_ms = (self.t_listen - self.t0) * 1000
        self.workers = children(self.proc.pid)
        if (mode == "worker") != bool(self.workers):
            self.stop()
            raise SystemExit(f"bench/sandbox: isolation = {mode}, but serve's children are {self.workers}")
        # The worker's age when serve said 'listening on': its spawn, confinement, model load
        # and Hello (serve spawns it after compiling the guard's patterns, and has only logging
        # and bind() left once the Hello is in). Start times are in clock ticks (10 ms).
        self.worker_ready_ms = float("nan")
        if self.workers:
            with open(f"/proc/{self.workers[0]}/stat") as f:
                start = int(f.read().rsplit(")", 1)[1].split()[19]) / CLK_TCK
            self.worker_ready_ms = (self.t_listen_boot - start) * 1000

    def _read(self):
        for line in self.proc.stderr:
            if self.t_listen is None and b"listening on" in line:
                self.t_listen = time.perf_counter()
                self.t_listen_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
                self.listening.set()
            self.log.write(line)
        self.log.flush()

    def ticks(self):
        """(server ticks, worker ticks)."""
        return proc_ticks(self.proc.pid), sum(proc_ticks(p) for p in self.workers)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        self.log.close()


def stream(conn, args, prompt):
    """One streaming completion on a kept-alive connection. Returns a dict with ttft and
    per-stream tokens/s: (completion_tokens - 1) / (last chunk - first chunk), the chunks
    that carry a choice; usage from stream_options.include_usage."""
    body = json.dumps({"model": args.model_id, "prompt": prompt, "max_tokens": args.max_tokens,
                       "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}})
    t0 = time.perf_counter()
    conn.request("POST", "/v1/completions", body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise SystemExit(f"bench/sandbox: HTTP {resp.status}: {resp.read()[:500]!r}")
    first = last = None
    text, usage, chunks, finish = [], None, 0, None
    while True:
        line = resp.readline()
        if not line:
            break
        if not line.startswith(b"data: "):
            continue
        data = line[6:].strip()
        if data == b"[DONE]":
            break
        obj = json.loads(data)
        now = time.perf_counter()
        for c in obj.get("choices") or []:
            if first is None:
                first = now
            last = now
            chunks += 1
            text.append(c.get("text") or "")
            finish = c.get("finish_reason") or finish
        if obj.get("usage"):
            usage = obj["usage"]
        if obj.get("error"):
            raise SystemExit(f"bench/sandbox: error event: {obj['error']}")
    resp.read()
    end = time.perf_counter()
    if usage is None or first is None:
        raise SystemExit("bench/sandbox: a stream ended without chunks or usage")
    n = usage["completion_tokens"]
    return {"t0": t0, "end": end, "ttft": first - t0, "tokens": n, "chunks": chunks,
            "tps": (n - 1) / (last - first) if n > 1 and last > first else float("nan"),
            "text": "".join(text), "finish": finish}


class Meter:
    """CPU of the server (and worker), of this driver, and of the whole machine over a phase."""

    def __init__(self, server):
        self.server = server
        self.s0, self.w0 = server.ticks()
        self.c0 = os.times()
        self.m0 = machine_busy_ticks()
        self.t0 = time.perf_counter()

    def done(self):
        s1, w1 = self.server.ticks()
        c1 = os.times()
        m1 = machine_busy_ticks()
        wall = time.perf_counter() - self.t0
        server = (s1 - self.s0) / CLK_TCK
        worker = (w1 - self.w0) / CLK_TCK
        client = (c1.user + c1.system) - (self.c0.user + self.c0.system)
        machine = (m1 - self.m0) / CLK_TCK
        return {"wall": wall, "server_cpu": server, "worker_cpu": worker, "client_cpu": client,
                "other_pct": max(0.0, (machine - server - worker - client) / wall * 100)}


def run_mode(args, mode, rep, tmp):
    srv = Server(args, mode, tmp)
    try:
        conns = [http.client.HTTPConnection("127.0.0.1", srv.port, timeout=args.request_timeout)
                 for _ in range(args.parallel)]
        # Warm-up: page in the model, start the pools; one stream per prompt gives the
        # reference outputs.
        warm = [stream(conns[0], args, p) for p in PROMPTS]
        wave(conns, args, 0)

        meter = Meter(srv)
        seq = [stream(conns[0], args, PROMPTS[i % len(PROMPTS)]) for i in range(args.seq)]
        seq_cpu = meter.done()

        meter = Meter(srv)
        waves = [wave(conns, args, w) for w in range(args.waves)]
        conc_cpu = meter.done()
        for c in conns:
            c.close()
    finally:
        srv.stop()
    seq_tokens = sum(r["tokens"] for r in seq)
    conc_tokens = sum(w["tokens"] for w in waves)
    return {
        "mode": mode, "rep": rep, "startup_ms": srv.startup_ms, "worker_ready_ms": srv.worker_ready_ms,
        "ttft_ms": statistics.median(r["ttft"] for r in seq) * 1000,
        "tps": statistics.median(r["tps"] for r in seq),
        "seq_tokens": seq_tokens, "seq_chunks": sum(r["chunks"] for r in seq),
        "agg_tps": conc_tokens / sum(w["wall"] for w in waves),
        "conc_tokens": conc_tokens,
        "seq_cpu_us": (seq_cpu["server_cpu"] + seq_cpu["worker_cpu"]) / seq_tokens * 1e6,
        "seq_worker_cpu_us": seq_cpu["worker_cpu"] / seq_tokens * 1e6,
        "conc_cpu_us": (conc_cpu["server_cpu"] + conc_cpu["worker_cpu"]) / conc_tokens * 1e6,
        "conc_worker_cpu_us": conc_cpu["worker_cpu"] / conc_tokens * 1e6,
        "client_cpu_us": (seq_cpu["client_cpu"] + conc_cpu["client_cpu"]) / (seq_tokens + conc_tokens) * 1e6,
        "other_pct": max(seq_cpu["other_pct"], conc_cpu["other_pct"]),
        "warm_texts": [(r["text"], r["tokens"], r["finish"]) for r in warm],
        "seq_texts": [(r["text"], r["tokens"], r["finish"]) for r in seq],
        "conc_texts": [t for w in waves for t in w["texts"]],
    }


def wave(conns, args, w):
    """PARALLEL streams started together; aggregate tokens/s = their tokens / (last end - first send)."""
    results = [None] * len(conns)
    barrier = threading.Barrier(len(conns))

    def one(i):
        barrier.wait()
        results[i] = stream(conns[i], args, PROMPTS[(w + i) % len(PROMPTS)])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(conns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if any(r is None for r in results):
        raise SystemExit("bench/sandbox: a concurrent stream failed (see above)")
    return {"wall": max(r["end"] for r in results) - min(r["t0"] for r in results),
            "tokens": sum(r["tokens"] for r in results),
            "texts": [((w + i) % len(PROMPTS), r["text"], r["tokens"]) for i, r in enumerate(results)]}


def med_range(values, fmt):
    values = sorted(v for v in values if v == v)  # NaN: does not apply
    if not values:
        return "-"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(values[0])}-{fmt.format(values[-1])})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=100)
    ap.add_argument("--seq", type=int, default=30)
    ap.add_argument("--waves", type=int, default=10)
    ap.add_argument("--engine-threads", type=int, default=0)
    ap.add_argument("--log-level", default="info")
    ap.add_argument("--start-timeout", type=float, default=300)
    ap.add_argument("--request-timeout", type=float, default=600)
    ap.add_argument("--keep-tmp", action="store_true")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="bastion-bench-sandbox.")
    version = subprocess.run([args.bin, "version"], capture_output=True, text=True).stdout.strip()
    load0 = open("/proc/loadavg").read().split()[:3]
    print(f"== bench/sandbox: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, "
          f"nproc={os.cpu_count()}, {version}")
    print(f"model {args.model} ({os.path.getsize(args.model) / 1e6:.1f} MB), /v1/completions "
          f"streamed, max_tokens {args.max_tokens}, temperature 0, --parallel {args.parallel}, "
          f"engine threads {args.engine_threads or 'default (one per core)'}")
    print(f"per repetition and mode: a fresh server, {len(PROMPTS)} + 1 wave of warm-up streams, {args.seq} "
          f"sequential streams, {args.waves} waves of {args.parallel} concurrent streams; "
          f"{args.repeats} repetitions, modes alternated")
    print(f"load average at start: {' '.join(load0)}")
    sys.stdout.flush()

    args.model_id = "bench"  # --model-name
    results = []
    try:
        for rep in range(1, args.repeats + 1):
            order = MODES if rep % 2 else MODES[::-1]
            for mode in order:
                note(f"repetition {rep}/{args.repeats}: {LABEL[mode]}")
                results.append(run_mode(args, mode, rep, tmp))
    except BaseException:
        note(f"logs kept in {tmp}")
        raise
    load1 = open("/proc/loadavg").read().split()[:3]
    report(args, results, load0, load1)
    if args.keep_tmp:
        note(f"logs kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def report(args, results, load0, load1):
    by = {m: [r for r in results if r["mode"] == m] for m in MODES}
    n, w = by["none"], by["worker"]
    rows = [
        ("start-up: launch to 'listening on', ms", "startup_ms", "{:.0f}"),
        ("  the worker: its spawn to 'listening on', ms", "worker_ready_ms", "{:.0f}"),
        ("time to first token, ms (median of each run)", "ttft_ms", "{:.2f}"),
        ("tokens/s per stream, sequential", "tps", "{:.0f}"),
        (f"aggregate tokens/s, {args.parallel} streams at once", "agg_tps", "{:.0f}"),
        ("CPU us/token, sequential (server+worker)", "seq_cpu_us", "{:.0f}"),
        ("  of which the worker process", "seq_worker_cpu_us", "{:.0f}"),
        (f"CPU us/token, {args.parallel} streams (server+worker)", "conc_cpu_us", "{:.0f}"),
        ("  of which the worker process", "conc_worker_cpu_us", "{:.0f}"),
        ("client (this driver) CPU us/token", "client_cpu_us", "{:.0f}"),
    ]
    print()
    print(f"== results: median (range) of {args.repeats} runs per mode")
    print(f"{'figure':<50} {'in-process (ceiling)':>22} {'worker':>22}")
    for name, key, fmt in rows:
        print(f"{name:<50} {med_range([r[key] for r in n], fmt):>22} {med_range([r[key] for r in w], fmt):>22}")

    def med(rs, key):
        return statistics.median(r[key] for r in rs)

    # Paired by repetition: the two modes of one repetition ran back to back.
    pairs = [(a, b) for a in n for b in w if a["rep"] == b["rep"]]
    print()
    print("== worker vs in-process (the in-process engine is the ceiling; overheads paired per repetition)")
    pct = [b["tps"] / a["tps"] * 100 for a, b in pairs]
    print(f"worker at {med_range(pct, '{:.1f}')}% of in-process: tokens/s per stream, sequential "
          f"({med(w, 'tps'):.0f} vs {med(n, 'tps'):.0f})")
    pct = [b["agg_tps"] / a["agg_tps"] * 100 for a, b in pairs]
    print(f"worker at {med_range(pct, '{:.1f}')}% of in-process: aggregate tokens/s, {args.parallel} streams "
          f"({med(w, 'agg_tps'):.0f} vs {med(n, 'agg_tps'):.0f})")
    for key, what in (("tps", "one stream"), ("agg_tps", f"{args.parallel} streams, aggregate")):
        ov = [(1 / b[key] - 1 / a[key]) * 1e6 for a, b in pairs]
        print(f"per-token overhead, {what} (1/tps_worker - 1/tps_in-process): {med_range(ov, '{:+.0f}')} us "
              f"paired, {(1 / med(w, key) - 1 / med(n, key)) * 1e6:+.0f} us from the medians "
              f"(in-process: {1e6 / med(n, key):.0f} us/token)")
    d = [b["ttft_ms"] - a["ttft_ms"] for a, b in pairs]
    print(f"time to first token: worker {med(w, 'ttft_ms'):.2f} ms vs in-process {med(n, 'ttft_ms'):.2f} ms, "
          f"{med_range(d, '{:+.2f}')} ms")
    for key, what in (("seq_cpu_us", "sequential"), ("conc_cpu_us", f"{args.parallel} streams")):
        d = [b[key] - a[key] for a, b in pairs]
        ratio = [b[key] / a[key] for a, b in pairs]
        print(f"CPU per token, {what}: gateway + worker {med(w, key):.0f} us vs in-process {med(n, key):.0f} us: "
              f"{med_range(d, '{:+.0f}')} us, x{med_range(ratio, '{:.2f}')}")
    d = [b["startup_ms"] - a["startup_ms"] for a, b in pairs]
    print(f"start-up, launch to 'listening on': worker {med(w, 'startup_ms'):.0f} ms vs in-process "
          f"{med(n, 'startup_ms'):.0f} ms: {med_range(d, '{:+.0f}')} ms paired; the worker process from "
          f"its spawn (exec, confine, load the model, Hello) {med_range([r['worker_ready_ms'] for r in w], '{:.0f}')} ms "
          f"(10 ms ticks; in-process mode loads the model in the server instead)")

    print()
    print("== per run (rep mode: start-up ms, ttft ms, tokens/s, aggregate tokens/s, CPU us/token seq/conc, other% = CPU of other processes, % of a core)")
    for r in results:
        print(f"{r['rep']} {LABEL[r['mode']]:<10} {r['startup_ms']:6.0f} {r['ttft_ms']:6.2f} {r['tps']:6.0f} "
              f"{r['agg_tps']:6.0f} {r['seq_cpu_us']:5.0f}/{r['conc_cpu_us']:<5.0f} other {r['other_pct']:3.0f}%")

    print()
    print("== checks")
    ref = dict(enumerate(n[0]["warm_texts"]))  # the first in-process run's, one per prompt
    seq = [(i % len(PROMPTS), t) for r in results for texts in (r["warm_texts"], r["seq_texts"])
           for i, t in enumerate(texts)]
    seq_same = all(t == ref[p] for p, t in seq)
    tokens = sorted({t[1] for _, t in seq})
    finishes = sorted({str(t[2]) for _, t in seq})
    print(f"{'ok' if seq_same else 'DIFFERENT'}: sequential outputs {'identical' if seq_same else 'differ'} "
          f"in both modes ({len(seq)} streams incl. warm-up, {len(ref)} prompts; completion tokens "
          f"per stream {tokens}, finish {finishes})")
    if not seq_same:
        for p, t in seq:
            if t != ref[p]:
                print(f"  prompt {PROMPTS[p]!r}: {t[0][:80]!r} vs {ref[p][0][:80]!r}")
                break
    conc = [(r["mode"], p, text, k) for r in results for p, text, k in r["conc_texts"]]
    same = sum(1 for _, p, text, k in conc if (text, k) == ref[p][:2])
    per_mode = {m: sum(1 for mm, p, text, k in conc if mm == m and (text, k) == ref[p][:2]) for m in MODES}
    print(f"{'ok' if same == len(conc) else 'note'}: concurrent streams identical to the sequential output: "
          f"{same} of {len(conc)} (in-process {per_mode['none']}, worker {per_mode['worker']})")
    print(f"load average at start {' '.join(load0)}, at end {' '.join(load1)}; other processes used up to "
          f"{max(r['other_pct'] for r in results):.0f}% of a core during the timed phases")
    if float(load0[0]) > 0.5 * os.cpu_count() or max(r["other_pct"] for r in results) > 20:
        print("WARNING: the machine was busy with other work: these figures are provisional")


if __name__ == "__main__":
    main()
