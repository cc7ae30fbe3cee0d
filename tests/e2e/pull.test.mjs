// `bastion pull` against a fake Hugging Face Hub (fixture/hub.mjs): what lands in the folder is
// exactly what the hub listed, verified; anything that does not verify is not kept; redirects
// go to allowlisted hosts only; the token never leaves the hub; interrupted downloads resume.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { COMMIT, COMMIT_V1, startHub } from './fixture/hub.mjs';
import { BASTION_BIN, makeTempDir } from './lib/harness.mjs';

// Asynchronous on purpose: the fixture hub runs in this process's event loop.
function pull(args, env = {}) {
  const childEnv = { ...process.env, ...env };
  if (!('HF_TOKEN' in env)) delete childEnv.HF_TOKEN;
  const proc = spawn(BASTION_BIN, ['pull', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30000);
  return new Promise((resolve) => proc.on('close', (status) => {
    clearTimeout(timer);
    resolve({ status, stdout, stderr });
  }));
}

async function setup(t) {
  const hub = await startHub();
  t.after(() => hub.close());
  const dir = path.join(makeTempDir(t, 'bastion-pull-'), 'tiny');
  const args = (repo = 'deepseek-ai/tiny', ...extra) =>
    [repo, '--to', dir, '--hub', hub.url, '--allow-host', hub.cdnHost, ...extra];
  return { hub, dir, args };
}

const sha256File = (p) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const exists = (dir, p) => fs.existsSync(path.join(dir, p));

test('a pull downloads, verifies and records every file; pickles and code are skipped', async (t) => {
  const { hub, dir, args } = await setup(t);
  const r = await pull(args());
  assert.equal(r.status, 0, r.stderr);
  for (const p of ['config.json', 'README.md', 'sub/generation_config.json', 'model.safetensors']) {
    assert.ok(exists(dir, p), p);
    assert.equal(sha256File(path.join(dir, p)), hub.sha256(p), p);
  }
  assert.ok(!exists(dir, 'pytorch_model.bin'));
  assert.ok(!exists(dir, 'modeling_tiny.py'));
  assert.match(r.stderr, /skipped pytorch_model\.bin \(pickle/);
  assert.match(r.stderr, /skipped modeling_tiny\.py \(code/);
  assert.match(r.stderr, new RegExp(`commit ${COMMIT}`));
  assert.match(r.stderr, /\[\d\/4\] ok model\.safetensors/);  // not a TTY: one line per file
  assert.ok(!fs.existsSync(path.join(dir, '.bastion', 'partial')));
  const record = JSON.parse(fs.readFileSync(path.join(dir, '.bastion', 'intake.json'), 'utf8'));
  assert.deepEqual(record.source, { hub: hub.url, repo: 'deepseek-ai/tiny', revision: 'main', commit: COMMIT });
  assert.equal(record.scan.verdict, 'safe');
  const weights = record.files.find((f) => f.path === 'model.safetensors');
  assert.equal(weights.sha256, hub.sha256('model.safetensors'));
  assert.equal(record.files.length, 4);
  // LFS bytes came from the CDN host, through a redirect, never from the hub itself.
  assert.ok(hub.requests.some((q) => q.server === 'cdn' && q.url.startsWith('/lfs/')));

  const again = await pull(args());  // a rerun finds everything in place
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /present model\.safetensors/);
});

test('--include-pickles and --include-code take them; the scan then refuses the code', async (t) => {
  const { dir, args } = await setup(t);
  const r = await pull(args('deepseek-ai/tiny', '--include-pickles', '--include-code'));
  assert.equal(r.status, 1, r.stderr);
  assert.ok(exists(dir, 'pytorch_model.bin'));
  assert.ok(exists(dir, 'modeling_tiny.py'));  // kept for inspection
  assert.match(r.stderr, /modeling_tiny\.py/);
  assert.ok(!fs.existsSync(path.join(dir, '.bastion', 'intake.json')));
});

test('revisions resolve to commits; an unknown revision is a usage error with the hub\'s answer', async (t) => {
  const { hub, dir, args } = await setup(t);
  const r = await pull(args('deepseek-ai/tiny@v1'));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(exists(dir, 'config.json'));
  assert.ok(!exists(dir, 'model.safetensors'));
  assert.ok(hub.requests.some((q) => q.url === `/api/models/deepseek-ai/tiny/tree/${COMMIT_V1}?recursive=true`));
  const record = JSON.parse(fs.readFileSync(path.join(dir, '.bastion', 'intake.json'), 'utf8'));
  assert.equal(record.source.revision, 'v1');
  assert.equal(record.source.commit, COMMIT_V1);

  const unknown = await pull(args('deepseek-ai/tiny@nope'));
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Revision Not Found/);
});

test('bad repository syntax and organisations off the allowlist are usage errors', async (t) => {
  const { hub, args } = await setup(t);
  for (const repo of ['tiny', 'deepseek-ai/../x', 'deepseek-ai/tiny@']) {
    const r = await pull(args(repo));
    assert.equal(r.status, 2, `${repo}: ${r.stderr}`);
  }
  const r = await pull(args('someone-else/tiny'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /organisation 'someone-else' is not allowed/);
  assert.equal(hub.requests.length, 0);  // refused before any request
  const allowed = await pull(args('someone-else/tiny', '--allow-org', 'someone-else'));
  assert.equal(allowed.status, 2);  // allowed now, but the hub does not know it
  assert.match(allowed.stderr, /Repository not found/);
});

test('plain http is refused for a hub that is not on loopback', async (t) => {
  const { dir } = await setup(t);
  const r = await pull(['deepseek-ai/tiny', '--to', dir, '--hub', 'http://huggingface.co']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /https is required/);
});

test('a tampered LFS file fails verification and is not kept', async (t) => {
  const { hub, dir, args } = await setup(t);
  hub.mode.tamper = true;
  const r = await pull(args());
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /model\.safetensors: sha256 [0-9a-f]{64}, expected/);
  assert.ok(!exists(dir, 'model.safetensors'));
  assert.ok(!exists(dir, '.bastion/partial/model.safetensors.part'));
  assert.ok(exists(dir, 'config.json'));  // the files that verified stay
  assert.ok(!exists(dir, '.bastion/intake.json'));
});

test('a file of the wrong size fails verification and is not kept', async (t) => {
  const { hub, dir, args } = await setup(t);
  hub.mode.shortConfig = true;
  const r = await pull(args());
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /config\.json: size \d+, expected \d+/);
  assert.ok(!exists(dir, 'config.json'));
  assert.ok(!exists(dir, '.bastion/partial/config.json.part'));
});

test('a redirect to a host off the allowlist fails the file without contacting it', async (t) => {
  const { hub, dir, args } = await setup(t);
  hub.mode.evil = true;
  const r = await pull(args());
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /model\.safetensors: .*not an allowed host/);
  assert.ok(!exists(dir, 'model.safetensors'));
  assert.ok(!hub.requests.some((q) => q.server === 'evil'));
});

test('a dropped connection leaves a partial file; the rerun resumes it with Range', async (t) => {
  const { hub, dir, args } = await setup(t);
  hub.mode.dropOnce = true;
  const first = await pull(args());
  assert.equal(first.status, 1, first.stderr);
  assert.match(first.stderr, /rerun to resume/);
  const part = path.join(dir, '.bastion', 'partial', 'model.safetensors.part');
  const partSize = fs.statSync(part).size;
  assert.ok(partSize > 0 && partSize < hub.files['model.safetensors'].bytes.length, `${partSize}`);

  const second = await pull(args());
  assert.equal(second.status, 0, second.stderr);
  const ranged = hub.requests.filter((q) => q.server === 'cdn' && q.headers.range);
  assert.deepEqual(ranged.map((q) => q.headers.range), [`bytes=${partSize}-`]);
  assert.match(second.stderr, /resumed model\.safetensors/);
  assert.equal(sha256File(path.join(dir, 'model.safetensors')), hub.sha256('model.safetensors'));
});

test('HF_TOKEN goes to the hub only, never to the redirect host, and is never printed', async (t) => {
  const { hub, args } = await setup(t);
  const token = 'hf_secret_token_do_not_leak';
  const r = await pull(args(), { HF_TOKEN: token });
  assert.equal(r.status, 0, r.stderr);
  const hubRequests = hub.requests.filter((q) => q.server === 'hub');
  const cdnRequests = hub.requests.filter((q) => q.server === 'cdn');
  assert.ok(hubRequests.length >= 5 && cdnRequests.length >= 1);
  for (const q of hubRequests) assert.equal(q.headers.authorization, `Bearer ${token}`, q.url);
  for (const q of cdnRequests) assert.equal(q.headers.authorization, undefined, q.url);
  assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token));
});
