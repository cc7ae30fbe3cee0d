// `bastion doctor`: the deployment checklist from a config file, and probes of running servers
// from outside (routes without a key, TLS versions, version-leaking headers), with exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import {
  buildConfig, createKey, freePort, makeTempDir, runBastion, startBastion, startUpstream,
} from './lib/harness.mjs';

const run = promisify(execFile);
const DAY_MS = 86_400_000;

// A GGUF v3 file with no tensors and one string key: enough for scan, intake and licence
// identification (the folder's config.json names the release).
function tinyGguf() {
  const str = (s) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([len, b]);
  };
  const head = Buffer.alloc(24);
  head.write('GGUF', 0, 'latin1');
  head.writeUInt32LE(3, 4);
  head.writeBigUInt64LE(0n, 8);  // tensors
  head.writeBigUInt64LE(1n, 16);  // key-value pairs
  const type = Buffer.alloc(4);
  type.writeUInt32LE(8);  // string
  return Buffer.concat([head, str('general.architecture'), type, str('qwen2')]);
}

// A model folder that passed `bastion intake` (local files, so its origin is unknown).
async function admittedModel(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.gguf'), tinyGguf());
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ _name_or_path: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B' }));
  const res = await runBastion(['intake', dir], { timeoutMs: 30000 });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  return dir;
}

// A report.json with the shape `bastion redteam` writes.
function writeReport(file, { asr, ageMs, model = 'r1' }) {
  const judged = 100;
  fs.writeFileSync(file, JSON.stringify({
    format: 1, bastion_version: '0.1.0', target: { url: 'http://127.0.0.1:8080', model },
    suite: 'builtin', techniques: ['direct'], judge: 'refusal', samples: 1, seed: 0, concurrency: 4,
    started: new Date(Date.now() - ageMs).toISOString(), duration_s: 10, probes: judged,
    completions_redacted: true,
    overall: { attempts: judged, judged, successes: Math.round(asr * judged), blocked: 0, errors: 0, asr, ci95: [0, 1] },
    by_category: {}, by_technique: {}, reasoning_complied: 0, results: [],
  }));
  return file;
}

async function doctor(args, opts) {
  const res = await runBastion(['doctor', ...args], { timeoutMs: 60000, ...opts });
  let json;
  if (args.includes('--json')) json = JSON.parse(res.stdout);
  return { ...res, json };
}

const statusOf = (json, id) => json.items.find((i) => i.id === id)?.status;
const itemOf = (json, id) => json.items.find((i) => i.id === id);

let certDir;
let certFile;
let keyFile;

before(async () => {
  certDir = makeTempDir(null, 'bastion-e2e-doctor-tls-');
  certFile = path.join(certDir, 'cert.pem');
  keyFile = path.join(certDir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '30',
    '-keyout', keyFile, '-out', certFile,
  ]);
});

describe('doctor --config', () => {
  test('a good configuration: exit 0, nothing fails', async (t) => {
    const dir = makeTempDir(t, 'bastion-e2e-doctor-good-');
    const modelDir = await admittedModel(path.join(dir, 'model'));
    const dataDir = path.join(dir, 'data');
    await createKey(dataDir, 'user');
    const report = writeReport(path.join(dir, 'report.json'), { asr: 0.05, ageMs: DAY_MS });
    const config = path.join(dir, 'good.toml');
    fs.writeFileSync(config, `
[server]
data_dir = ${JSON.stringify(dataDir)}

[licenses]
allow = ["MIT"]

[auth.roles.user]
models = ["r1"]
requests_per_minute = 60

[[models]]
name = "r1"
path = ${JSON.stringify(modelDir)}

[posture]
redteam_report = ${JSON.stringify(report)}
max_asr = 0.2
max_report_age = "30d"
data_class = "internal"
`);
    const res = await doctor(['--json', '--config', config]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const { json } = res;
    for (const id of ['config.valid', 'server.exposure', 'server.tls', 'auth.required', 'auth.roles',
      'model.verified:r1', 'model.license:r1', 'model.format:r1', 'model.remote_code:r1',
      'engine.isolation', 'network.egress', 'gateway.single', 'audit.no_prompt_text',
      'audit.retention', 'guard.enabled', 'monitoring.alerts', 'redteam.report',
      'dependencies.versions', 'data.obligations']) {
      assert.equal(statusOf(json, id), 'pass', `${id}: ${JSON.stringify(itemOf(json, id))}`);
    }
    // `bastion intake` of local files pins them by hash but cannot say where they came from.
    assert.equal(statusOf(json, 'model.version:r1'), 'warn');
    assert.equal(json.summary.fail, 0);
    assert.equal(json.summary.pass + json.summary.warn, json.items.length);
    assert.match(itemOf(json, 'auth.roles').detail, /user 1/);
    assert.match(itemOf(json, 'model.license:r1').detail, /DeepSeek-R1-Distill-Qwen-1\.5B under MIT/);
    assert.match(itemOf(json, 'dependencies.versions').detail, /^bastion \d+\.\d+\.\d+, .*openssl \d/);
    for (const item of json.items) {
      assert.deepEqual(Object.keys(item).sort(), ['detail', 'fix', 'id', 'status']);
    }
  });

  test('a bad configuration: exit 1, the right items fail with a fix', async (t) => {
    const dir = makeTempDir(t, 'bastion-e2e-doctor-bad-');
    const modelDir = path.join(dir, 'unchecked');
    fs.mkdirSync(modelDir);
    fs.writeFileSync(path.join(modelDir, 'model.gguf'), tinyGguf());
    const report = writeReport(path.join(dir, 'report.json'), { asr: 0.5, ageMs: DAY_MS });
    const config = path.join(dir, 'bad.toml');
    fs.writeFileSync(config, `
[server]
insecure_no_auth = true
data_dir = ${JSON.stringify(path.join(dir, 'data'))}

[engine]
isolation = "none"

[audit]
enabled = false

[guard]
enabled = false

[[models]]
name = "unchecked"
path = ${JSON.stringify(modelDir)}
allow_unverified = true

[posture]
redteam_report = ${JSON.stringify(report)}
data_class = "phi"
`);
    const res = await doctor(['--json', '--config', config]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const { json } = res;
    for (const id of ['auth.required', 'engine.isolation', 'audit.retention', 'model.verified:unchecked',
      'redteam.report', 'data.obligations']) {
      assert.equal(statusOf(json, id), 'fail', `${id}: ${JSON.stringify(itemOf(json, id))}`);
      assert.ok(itemOf(json, id).fix.length > 0, id);
    }
    assert.equal(itemOf(json, 'engine.isolation').fix, 'set [engine] isolation = "worker"');
    assert.equal(statusOf(json, 'guard.enabled'), 'warn');
    assert.match(itemOf(json, 'redteam.report').detail, /50\.0%.*above the ceiling/);
    assert.match(itemOf(json, 'data.obligations').detail, /phi/);

    // The same in text: one line per item, fixes on warn and fail lines, then the summary.
    const text = await doctor(['--config', config]);
    assert.equal(text.code, 1);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.length, json.items.length + 1);
    assert.ok(lines.some((l) => /^fail {2}auth\.required {2}.+ {2}fix: .+insecure_no_auth/.test(l)), text.stdout);
    assert.ok(lines.filter((l) => l.startsWith('pass  ')).every((l) => !l.includes('fix:')));
    assert.match(lines.at(-1), /^\d+ pass, \d+ warn, \d+ fail$/);
  });

  test('without --config: serve\'s defaults, which pass or warn', async () => {
    const res = await doctor(['--json']);
    assert.equal(res.code, 0, res.stdout);
    assert.equal(statusOf(res.json, 'server.exposure'), 'pass');
    assert.equal(statusOf(res.json, 'auth.required'), 'pass');
    assert.equal(statusOf(res.json, 'redteam.report'), 'warn');
    assert.equal(statusOf(res.json, 'data.obligations'), 'warn');
  });

  test('no secret reaches the output', async (t) => {
    const dir = makeTempDir(t, 'bastion-e2e-doctor-secret-');
    const config = path.join(dir, 'secret.toml');
    fs.writeFileSync(config, `
[server]
data_dir = ${JSON.stringify(path.join(dir, 'data'))}
[auth]
key_store_url = "postgresql://bastion:pg-Secret-77@db.internal:5432/keys"
redis_url = "redis://:redis-Secret-88@cache.internal:6379/0"
[[models]]
name = "big"
[[models.upstreams]]
url = "http://10.0.0.5:8000/v1"
api_key_env = "DOCTOR_UPSTREAM_KEY"
`);
    const res = await doctor(['--json', '--config', config], { env: { DOCTOR_UPSTREAM_KEY: 'sk-upstream-Secret-99' } });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    for (const secret of ['pg-Secret-77', 'redis-Secret-88', 'sk-upstream-Secret-99']) {
      assert.ok(!res.stdout.includes(secret) && !res.stderr.includes(secret), secret);
    }
    const egress = itemOf(res.json, 'network.egress');
    assert.equal(egress.status, 'warn');
    assert.match(egress.detail, /postgresql:\/\/db\.internal:5432/);
    assert.match(egress.detail, /http:\/\/10\.0\.0\.5:8000/);
    assert.equal(statusOf(res.json, 'gateway.single'), 'warn');
  });

  test('usage errors and unreadable configs exit 2 with one line on stderr', async (t) => {
    const missing = await doctor(['--config', '/nonexistent/bastion.toml']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /cannot open config file/);

    const dir = makeTempDir(t, 'bastion-e2e-doctor-usage-');
    const broken = path.join(dir, 'broken.toml');
    fs.writeFileSync(broken, '[server\nlisten = 1\n');
    const parse = await doctor(['--config', broken]);
    assert.equal(parse.code, 2);
    assert.equal(parse.stderr.trim().split('\n').length, 1, parse.stderr);

    assert.equal((await doctor(['--url', 'ftp://127.0.0.1:1'])).code, 2);
    assert.equal((await doctor(['--bogus'])).code, 2);
  });
});

describe('doctor --url against running servers', () => {
  let upstream;
  before(async () => {
    upstream = await startUpstream(null, { name: 'doctor' });
  });
  const models = () => [{ name: 'm', upstreams: [upstream.url] }];

  test('a normal server: every probe passes', async (t) => {
    const bastion = await startBastion(t, { noAuthFlag: true, config: { models: models() } });
    const res = await doctor(['--json', '--url', bastion.url('')]);
    assert.equal(res.code, 0, res.stdout);
    for (const id of ['probe.reachable', 'probe.routes', 'probe.metrics', 'probe.admin', 'probe.headers', 'probe.tls']) {
      assert.equal(statusOf(res.json, id), 'pass', `${id}: ${JSON.stringify(itemOf(res.json, id))}`);
    }
    assert.match(itemOf(res.json, 'probe.routes').detail, /POST \/v1\/chat\/completions 401/);
    // --url alone runs only the probes.
    assert.ok(res.json.items.every((i) => i.id.startsWith('probe.')));
  });

  test('anonymous metrics are flagged', async (t) => {
    const bastion = await startBastion(t, {
      noAuthFlag: true, config: `${buildConfig({ models: models() })}\n[auth]\nmetrics_anonymous = true\n`,
    });
    const res = await doctor(['--json', '--url', bastion.url('')]);
    const metrics = itemOf(res.json, 'probe.metrics');
    assert.equal(metrics.status, 'warn', JSON.stringify(metrics));  // loopback: warn (docs/doctor.md)
    assert.match(metrics.detail, /GET \/metrics 200/);
    assert.equal(statusOf(res.json, 'probe.routes'), 'pass');
    assert.equal(res.code, 0);
  });

  test('a server without authentication fails the route and admin probes', async (t) => {
    const bastion = await startBastion(t, { config: { models: models() } });  // --insecure-no-auth
    const res = await doctor(['--json', '--url', bastion.url('')]);
    assert.equal(res.code, 1, res.stdout);
    const routes = itemOf(res.json, 'probe.routes');
    assert.equal(routes.status, 'fail');
    assert.match(routes.detail, /GET \/v1\/models 200/);
    assert.match(routes.detail, /POST \/v1\/chat\/completions 200/);  // asked for model m, one token
    assert.equal(statusOf(res.json, 'probe.admin'), 'fail');
    // Config and probes together: the config's own items come first.
    const config = path.join(bastion.dir, 'bastion.toml');
    const both = await doctor(['--json', '--config', config, '--url', bastion.url('')]);
    assert.equal(both.json.items[0].id, 'config.valid');
    assert.ok(both.json.items.some((i) => i.id === 'probe.routes'));
  });

  test('TLS: 1.2 and 1.3 accepted, 1.0 and 1.1 refused, certificate trusted with --ca-file', async (t) => {
    const bastion = await startBastion(t, {
      noAuthFlag: true,
      config: { server: { tls: { cert_file: certFile, key_file: keyFile } }, models: models() },
    });
    assert.equal(bastion.scheme, 'https');
    const res = await doctor(['--json', '--url', bastion.url(''), '--ca-file', certFile]);
    assert.equal(res.code, 0, res.stdout);
    const tls = itemOf(res.json, 'probe.tls');
    assert.equal(tls.status, 'pass', JSON.stringify(tls));
    assert.match(tls.detail, /accepted: TLS 1\.2 \([A-Z0-9-]+GCM[A-Z0-9-]*\), TLS 1\.3 \(TLS_AES_\w+\)/);
    assert.match(tls.detail, /refused: TLS 1\.0, TLS 1\.1/);
    assert.equal(statusOf(res.json, 'probe.certificate'), 'pass');
    assert.equal(statusOf(res.json, 'probe.routes'), 'pass');

    const untrusted = await doctor(['--json', '--url', bastion.url('')]);
    assert.equal(untrusted.code, 1);
    assert.match(itemOf(untrusted.json, 'probe.certificate').detail, /self-signed/);
  });

  test('a server accepting TLS 1.0 and 1.1 fails probe.tls', async (t) => {
    const server = https.createServer({
      cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    }, (req, res) => { res.writeHead(req.url === '/healthz' ? 200 : 401); res.end(); });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const res = await doctor(['--json', '--url', `https://127.0.0.1:${server.address().port}`, '--ca-file', certFile]);
    assert.equal(res.code, 1, res.stdout);
    const tls = itemOf(res.json, 'probe.tls');
    assert.equal(tls.status, 'fail');
    assert.match(tls.detail, /accepted: TLS 1\.0 .*TLS 1\.1 /);
    assert.match(tls.detail, /TLS 1\.0\/1\.1 accepted/);
  });

  test('a Server header with a version is flagged', async (t) => {
    const server = http.createServer((req, res) => {
      res.setHeader('Server', 'nginx/1.22.1');
      res.writeHead(req.url === '/healthz' ? 200 : 401);
      res.end();
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const res = await doctor(['--json', '--url', `http://127.0.0.1:${server.address().port}`]);
    const headers = itemOf(res.json, 'probe.headers');
    assert.equal(headers.status, 'warn', JSON.stringify(headers));
    assert.match(headers.detail, /Server: nginx\/1\.22\.1/);
    assert.equal(statusOf(res.json, 'probe.routes'), 'pass');
    assert.equal(res.code, 0);
  });

  test('an unreachable server is a failed item, not a crash', async () => {
    const res = await doctor(['--json', '--url', `http://127.0.0.1:${await freePort()}`, '--timeout', '2']);
    assert.equal(res.code, 1);
    assert.deepEqual(res.json.items.map((i) => [i.id, i.status]), [['probe.reachable', 'fail']]);
  });
});
