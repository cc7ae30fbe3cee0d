// Shared helpers for bastion's end-to-end tests: real bastion processes in front of real
// fixture upstream processes (fixture/upstream.mjs), all on 127.0.0.1 with kernel-chosen ports.
//
// Every process and temporary directory made here is cleaned up: per test when a node:test
// context `t` is passed (t.after), and in any case when the test file ends (a root `after`
// hook) or the node process exits (SIGKILL as a last resort).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURE = path.join(E2E_DIR, 'fixture', 'upstream.mjs');
// ctest passes BASTION_BIN; by hand, the default build directory's binary is used.
export const BASTION_BIN = process.env.BASTION_BIN || path.resolve(E2E_DIR, '..', '..', 'build', 'bastion');
export const CLIENT_KEY = 'client-key-should-not-leak';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits for `promise` at most `ms` milliseconds (without leaving a timer behind that would keep
// the test process alive). Resolves to true if it settled in time.
export async function settlesWithin(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup bookkeeping

const liveProcesses = new Set();
const tempDirs = new Set();

after(async () => {
  await Promise.all([...liveProcesses].map((p) => stopProcess(p, { timeoutMs: 3000 })));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
});

// If this test process is itself stopped (a runner timeout, Ctrl-C), take the children along.
for (const [sig, n] of [['SIGTERM', 15], ['SIGINT', 2], ['SIGHUP', 1]]) {
  process.once(sig, () => process.exit(128 + n));
}

process.on('exit', () => {
  for (const p of liveProcesses) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of tempDirs) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

function onCleanup(t, fn) {
  if (t && typeof t.after === 'function') t.after(fn);
}

export function makeTempDir(t, prefix = 'bastion-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  onCleanup(t, () => {
    fs.rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  });
  return dir;
}

// Sends `signal`, then SIGKILL if the process has not exited after `timeoutMs`.
// Resolves to { code, signal, killed } (killed: SIGKILL was needed).
export async function stopProcess(proc, { signal = 'SIGTERM', timeoutMs = 5000 } = {}) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    liveProcesses.delete(proc);
    return { code: proc.exitCode, signal: proc.signalCode, killed: false };
  }
  const exited = once(proc, 'exit');
  proc.kill(signal);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const [code, sig] = await exited;
  clearTimeout(timer);
  if (process.env.E2E_DEBUG_STOP) console.error(`stopProcess ${proc.spawnargs.slice(0, 3).join(' ')} code=${code} sig=${sig} killed=${killed}`);
  liveProcesses.delete(proc);
  return { code, signal: sig, killed };
}

// Resolves to { code, signal } once `proc` exits (immediately when it already has).
export async function waitExit(proc, timeoutMs = 10000) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return { code: proc.exitCode, signal: proc.signalCode };
  }
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process ${proc.pid} did not exit within ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    const [code, signal] = await Promise.race([once(proc, 'exit'), timeout]);
    return { code, signal };
  } finally {
    clearTimeout(timer);
  }
}

// Spawns `cmd args`, collects its output, and resolves once `pattern` matches a line of
// `stream` ('stdout' or 'stderr'). Rejects with the collected output on exit or timeout.
function spawnAndWait(cmd, args, { env, cwd, stream, pattern, timeoutMs, what }) {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  liveProcesses.add(proc);
  proc.on('exit', () => liveProcesses.delete(proc));
  const out = { stdout: '', stderr: '' };
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out.stdout += d; });
  proc.stderr.on('data', (d) => { out.stderr += d; });
  const ready = new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc[stream].off('data', check);
      proc.off('exit', onExit);
      proc.off('error', onError);
      fn(value);
    };
    const check = () => {
      const m = pattern.exec(out[stream]);
      if (m) finish(resolve, m);
    };
    const describe = () => `\n--- ${what} stderr ---\n${out.stderr}\n--- ${what} stdout ---\n${out.stdout}`;
    const onExit = (code, signal) =>
      finish(reject, new Error(`${what} exited (code ${code}, signal ${signal}) before it was ready${describe()}`));
    const onError = (err) => finish(reject, new Error(`${what} could not start: ${err.message}${describe()}`));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      finish(reject, new Error(`${what} was not ready within ${timeoutMs}ms${describe()}`));
    }, timeoutMs);
    proc[stream].on('data', check);
    proc.on('exit', onExit);
    proc.on('error', onError);
  });
  return { proc, out, ready };
}

// ---------------------------------------------------------------------------------------------
// Fixture upstream

// Starts fixture/upstream.mjs on a free port. Returns
//   { port, url (OpenAI base URL .../v1), name, proc, stats(), setHealth(ok), stop() }.
// `port` (default 0: any free port) lets a test restart an upstream where it was; `tls`
// ({ cert, key }: PEM file paths) makes it serve HTTPS.
export async function startUpstream(t, {
  name = 'upstream', apiKey, port: wanted = 0, tls, timeoutMs = 10000,
} = {}) {
  const args = [FIXTURE, '--port', String(wanted), '--name', name];
  if (apiKey) args.push('--api-key', apiKey);
  if (tls) args.push('--tls-cert', tls.cert, '--tls-key', tls.key);
  const { proc, out, ready } = spawnAndWait(process.execPath, args, {
    stream: 'stdout', pattern: /^listening (\d+)$/m, timeoutMs, what: `fixture upstream '${name}'`,
  });
  const m = await ready;
  const port = Number(m[1]);
  const control = tls ? { rejectUnauthorized: false } : undefined;
  const upstream = {
    name,
    port,
    proc,
    output: out,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    async stats() {
      return (await request({ port, path: '/_fixture/stats', tls: control })).json;
    },
    async setHealth(ok) {
      await request({ port, method: 'POST', path: '/_fixture/health', body: JSON.stringify({ ok }), tls: control });
    },
    stop: (opts) => stopProcess(proc, opts),
  };
  onCleanup(t, () => stopProcess(proc, { timeoutMs: 2000 }));
  return upstream;
}

// A base URL on which nothing listens: binds a port, then frees it.
export async function deadUrl() {
  return `http://127.0.0.1:${await freePort()}/v1`;
}

// A loopback port nothing listens on: binds port 0, then frees it.
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------------
// bastion

function tomlValue(v) {
  if (typeof v === 'string') return JSON.stringify(v);  // a JSON string is a TOML basic string
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`unsupported TOML value ${JSON.stringify(v)}`);
}

function tomlTable(header, obj) {
  const lines = [`[${header}]`];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || (typeof v === 'object' && v !== null)) continue;
    lines.push(`${k} = ${tomlValue(v)}`);
  }
  return lines.join('\n');
}

// Builds a bastion TOML config from
//   { server: {..., tls: {...}}, upstream: {...}, models: [{ name, upstream_model, reasoning,
//     upstreams: [url | { url, api_key_env }] }], log_level }.
export function buildConfig({ server, upstream, guard, models = [], log_level: logLevel } = {}) {
  const parts = [];
  if (guard) parts.push(tomlTable('guard', guard));
  if (logLevel) parts.push(`log_level = ${tomlValue(logLevel)}`);
  if (server) {
    parts.push(tomlTable('server', server));
    if (server.tls) parts.push(tomlTable('server.tls', server.tls));
  }
  if (upstream) parts.push(tomlTable('upstream', upstream));
  for (const model of models) {
    const { upstreams = [], ...rest } = model;
    parts.push(tomlTable('[models]', rest));
    for (const u of upstreams) {
      parts.push(tomlTable('[models.upstreams]', typeof u === 'string' ? { url: u } : u));
    }
  }
  return parts.join('\n\n') + '\n';
}

// Starts `bastion serve` and waits for its "listening on" line. Options:
//   config: TOML text or an object for buildConfig; args: extra flags; env: extra environment;
//   listen (default 127.0.0.1:0); noAuthFlag (default false: --insecure-no-auth is passed);
//   dataDir (default: a fresh one; several gateways may share one).
// Returns { port, scheme, baseURL, url(path), proc, stderr(), stop(opts), client(opts) }.
export async function startBastion(t, {
  config, args = [], env = {}, listen = '127.0.0.1:0', noAuthFlag = false, timeoutMs = 10000,
  dataDir: sharedDataDir,
} = {}) {
  const dir = makeTempDir(t, 'bastion-e2e-serve-');
  const dataDir = sharedDataDir ?? path.join(dir, 'data');
  const argv = ['serve', '--listen', listen, '--data-dir', dataDir];
  if (!noAuthFlag) argv.push('--insecure-no-auth');
  if (config !== undefined) {
    const file = path.join(dir, 'bastion.toml');
    fs.writeFileSync(file, typeof config === 'string' ? config : buildConfig(config));
    argv.push('--config', file);
  }
  argv.push(...args);
  const { proc, out, ready } = spawnAndWait(BASTION_BIN, argv, {
    env, stream: 'stderr', pattern: /listening on (https?):\/\/\S*:(\d+)/, timeoutMs, what: 'bastion',
  });
  onCleanup(t, () => stopProcess(proc, { timeoutMs: 3000 }));
  const m = await ready;
  const scheme = m[1];
  const port = Number(m[2]);
  return {
    port,
    scheme,
    proc,
    dir,
    dataDir,
    argv,
    baseURL: `${scheme}://127.0.0.1:${port}/v1`,
    url: (p) => `${scheme}://127.0.0.1:${port}${p}`,
    stderr: () => out.stderr,
    stdout: () => out.stdout,
    stop: (opts) => stopProcess(proc, opts),
    client: (opts = {}) => new OpenAI({
      baseURL: `${scheme}://127.0.0.1:${port}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 20000, ...opts,
    }),
  };
}

// Reads an openai client stream to its end: the text of choice 0 (chat deltas' content, or a
// legacy completion's text) and its last finish_reason.
export async function collectStream(stream) {
  let text = '';
  let finish = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    text += choice?.delta?.content ?? choice?.text ?? '';
    finish = choice?.finish_reason ?? finish;
  }
  return { text, finish };
}

// Creates an API key with `bastion keys create --json` in `dataDir`; resolves to { id, key }.
// `flags`: extra flags, e.g. ['--models', 'm', '--rpm', '2'].
export async function createKey(dataDir, role, flags = []) {
  const res = await runBastion(['keys', 'create', '--data-dir', dataDir, '--name', `${role}-key`,
    '--role', role, '--json', ...flags]);
  if (res.code !== 0) throw new Error(`keys create failed (${res.code}): ${res.stderr}`);
  return JSON.parse(res.stdout);
}

// Runs bastion to completion (for flag and config errors). Resolves to { code, signal, stdout,
// stderr }. If it is still running after `timeoutMs`, it is stopped and `timedOut` is set.
export async function runBastion(argv, { env = {}, timeoutMs = 5000 } = {}) {
  const proc = spawn(BASTION_BIN, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  liveProcesses.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await once(proc, 'close');
  clearTimeout(timer);
  liveProcesses.delete(proc);
  return { code, signal, stdout, stderr, timedOut };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

// One HTTP(S) request on a fresh connection (no agent pooling). Resolves to
//   { status, headers, body, json (parsed when it parses) }.
export function request({
  port, host = '127.0.0.1', method = 'GET', path: p = '/', headers = {}, body, tls, timeoutMs = 15000,
}) {
  const mod = tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host, port, method, path: p, headers, agent: false, timeout: timeoutMs, ...(tls || {}),
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request ${method} ${p} timed out after ${timeoutMs}ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function postJson(port, p, obj, { headers = {}, ...rest } = {}) {
  const body = typeof obj === 'string' ? obj : JSON.stringify(obj);
  return request({
    port, method: 'POST', path: p, body,
    headers: { 'content-type': 'application/json', ...headers }, ...rest,
  });
}

// Writes `data` (string, Buffer, or an array sent piece by piece `gapMs` apart) on a raw TCP
// connection and collects the reply until the server closes the connection or `timeoutMs`
// passes. Resolves to { data, closed, error, elapsedMs }.
export function rawExchange(port, data, { timeoutMs = 5000, gapMs = 0, host = '127.0.0.1' } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, host);
    const chunks = [];
    let settled = false;
    let error = null;
    const finish = (closed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks).toString('latin1'), closed, error, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (e) => { error = e; });
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      const pieces = Array.isArray(data) ? data : [data];
      for (const piece of pieces) {
        if (settled || socket.destroyed) return;
        socket.write(piece);
        if (gapMs) await sleep(gapMs);
      }
    });
  });
}

// Opens a raw TCP connection and resolves once connected, with helpers to send, read what has
// arrived, and wait for the close.
export function rawConnect(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const state = { data: '', closed: false, error: null };
    const closed = new Promise((r) => socket.on('close', () => { state.closed = true; r(); }));
    socket.setEncoding('latin1');
    socket.on('data', (d) => { state.data += d; });
    socket.on('error', (e) => { state.error = e; });
    socket.once('connect', () => resolve({
      socket,
      state,
      closed,
      send: (bytes) => socket.write(bytes),
      // Resolves once the received data matches `pattern` (or rejects after timeoutMs).
      async waitFor(pattern, timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        while (!pattern.test(state.data)) {
          if (state.closed || Date.now() > deadline) {
            throw new Error(`no ${pattern} on raw connection (closed=${state.closed}); got ${JSON.stringify(state.data)}`);
          }
          await sleep(10);
        }
        return state.data;
      },
      destroy: () => socket.destroy(),
    }));
    socket.once('error', reject);
  });
}

export function parseHttpHead(text) {
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n/.exec(text);
  if (!m) return null;
  const headers = {};
  for (const line of m[2].split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers, body: text.slice(m.index + m[0].length) };
}

// Splits an SSE body into the payloads of its `data:` events.
export function sseData(text) {
  const events = [];
  for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
    if (data.length) events.push(data.join('\n'));
  }
  return events;
}

// Polls `fn` until it returns a truthy value; returns that value, or throws after `timeoutMs`.
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

export const chatBody = (model, content, extra = {}) => ({
  model, messages: [{ role: 'user', content }], ...extra,
});
