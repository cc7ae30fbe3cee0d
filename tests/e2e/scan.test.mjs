// `bastion scan` as an operator runs it on a downloaded snapshot: the exit status decides
// whether a deployment script goes on, and --json is what CI pipelines parse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BASTION_BIN, makeTempDir } from './lib/harness.mjs';

const scan = (...args) => spawnSync(BASTION_BIN, ['scan', ...args], { encoding: 'utf8', timeout: 30000 });

// A safetensors file: u64 header size, the JSON header, then one F32 tensor of two elements.
function safetensors(trailing = Buffer.alloc(0)) {
  const header = Buffer.from('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([size, header, Buffer.alloc(8), trailing]);
}

function snapshot(t) {
  const dir = makeTempDir(t, 'bastion-scan-');
  fs.writeFileSync(path.join(dir, 'model.safetensors'), safetensors());
  fs.writeFileSync(path.join(dir, 'config.json'), '{"architectures":["Qwen2ForCausalLM"]}');
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'),
    '{"chat_template":"{% for m in messages %}{{ m.content }}{% endfor %}"}');
  fs.writeFileSync(path.join(dir, 'README.md'), '# DeepSeek-R1-Distill-Qwen-1.5B\n');
  return dir;
}

test('a clean snapshot is safe: exit 0, and --json lists every file', (t) => {
  const dir = snapshot(t);
  const r = scan(dir, '--json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verdict, 'safe');
  assert.deepEqual(report.files.map((f) => f.path),
    ['README.md', 'config.json', 'model.safetensors', 'tokenizer_config.json']);
  const weights = report.files.find((f) => f.path === 'model.safetensors');
  assert.deepEqual(weights, { path: 'model.safetensors', format: 'safetensors', verdict: 'safe', findings: [] });
  const table = scan(dir);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /^SAFE +safetensors +model\.safetensors$/m);
  assert.match(table.stdout, /^verdict: safe/m);
});

test('remote code, hidden bytes and renamed files make it unsafe: exit 1', (t) => {
  const dir = snapshot(t);
  fs.writeFileSync(path.join(dir, 'modeling_qwen2.py'), 'import os\nos.system("id")\n');
  fs.writeFileSync(path.join(dir, 'config.json'),
    '{"auto_map":{"AutoModelForCausalLM":"modeling_qwen2.Qwen2ForCausalLM"}}');
  fs.writeFileSync(path.join(dir, 'extra.safetensors'), safetensors(Buffer.from('PK\x03\x04 a zip rides along')));
  // posix.system('id') as protocol 2 writes it: PROTO, GLOBAL, BINUNICODE, TUPLE1, REDUCE, STOP.
  fs.writeFileSync(path.join(dir, 'weights.safetensors'), Buffer.concat([
    Buffer.from([0x80, 0x02]), Buffer.from('cposix\nsystem\n'), Buffer.from([0x58, 2, 0, 0, 0]),
    Buffer.from('id'), Buffer.from([0x85, 0x52, 0x2e])]));
  // A benign pickle (an empty dict) renamed just as oddly is no finding at all.
  fs.writeFileSync(path.join(dir, 'state.ckpt'), Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
  const r = scan(dir, '--json');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verdict, 'unsafe');
  const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));
  const rules = (p) => byPath[p].findings.map((f) => f.rule);
  assert.ok(rules('modeling_qwen2.py').includes('remote_code.python'));
  assert.ok(rules('config.json').includes('remote_code.auto_map'));
  assert.ok(rules('extra.safetensors').includes('safetensors.layout'));
  assert.equal(byPath['weights.safetensors'].format, 'pickle');  // by its bytes, not its name
  assert.equal(byPath['weights.safetensors'].verdict, 'unsafe');
  const payload = byPath['weights.safetensors'].findings.find((f) => f.rule === 'pickle.dangerous_import');
  assert.equal(payload.severity, 'critical');
  assert.match(payload.detail, /posix\.system/);
  assert.equal(byPath['state.ckpt'].verdict, 'safe');
  for (const f of report.files) {
    for (const finding of f.findings) {
      assert.ok(['critical', 'high', 'medium', 'low', 'info'].includes(finding.severity), finding.severity);
      assert.equal(typeof finding.detail, 'string');
    }
  }
});

test('a file that cannot be parsed is an error: exit 2, and the rest is still judged', (t) => {
  const dir = snapshot(t);
  fs.writeFileSync(path.join(dir, 'model.gguf'), 'GGUF\x03\x00\x00\x00 cut short');
  const r = scan(dir, '--json');
  assert.equal(r.status, 2, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verdict, 'error');
  const gguf = report.files.find((f) => f.path === 'model.gguf');
  assert.equal(gguf.verdict, 'error');
  assert.ok(gguf.error.length > 0);
  assert.equal(report.files.find((f) => f.path === 'model.safetensors').verdict, 'safe');
});

test('a path that does not exist is one line on stderr and exit 2', () => {
  const r = scan('/nonexistent/snapshot');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^bastion scan: \/nonexistent\/snapshot: no such file or directory\n$/);
});
