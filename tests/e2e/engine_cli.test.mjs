// The embedded engine from the command line: `bastion tokenize` against the real DeepSeek-R1
// vocabulary and `bastion run` on the trained tiny Llama, as a user runs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BASTION_BIN, E2E_DIR } from './lib/harness.mjs';

const MODELS = process.env.BASTION_SHARED_MODELS || path.resolve(E2E_DIR, '..', '..', '..', 'shared', 'models');
const R1_VOCAB = path.join(MODELS, 'ggml-vocab-deepseek-r1-qwen.gguf');
const STORIES = path.join(MODELS, 'stories260K.gguf');
const NOT_GGUF = path.join(E2E_DIR, 'package.json');
const skip = !fs.existsSync(R1_VOCAB) || !fs.existsSync(STORIES) ? 'no ../shared/models' : false;

const bastion = (args, input = '') => spawnSync(BASTION_BIN, args, { input, encoding: 'utf8', timeout: 30000 });

test('tokenize prints the reference ids, space-separated, without BOS', { skip }, () => {
  const r = bastion(['tokenize', '--model', R1_VOCAB], 'Hello, world!');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '9707 11 1879 0\n');
});

test('tokenize matches <think> always and turn markers only with --parse-special', { skip }, () => {
  const text = '<｜User｜>Hi<think>';
  const special = bastion(['tokenize', '--model', R1_VOCAB, '--parse-special'], text);
  assert.equal(special.stdout.trim().split(' ')[0], '151644');
  assert.equal(special.stdout.trim().split(' ').at(-1), '151648');
  const plain = bastion(['tokenize', '--model', R1_VOCAB], text).stdout.trim().split(' ');
  assert.ok(!plain.includes('151644'), plain.join(' '));
  assert.equal(plain.at(-1), '151648');
});

test('tokenize refuses a missing or non-GGUF model with one line and exit 2', { skip }, () => {
  const missing = bastion(['tokenize', '--model', '/nonexistent.gguf'], 'x');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^bastion tokenize: .*nonexistent/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const notGguf = bastion(['tokenize', '--model', NOT_GGUF], 'x');
  assert.equal(notGguf.status, 2);
  assert.match(notGguf.stderr, /gguf/i);
});

test('run writes the reference story greedily', { skip }, () => {
  const r = bastion(['run', '--model', STORIES, '--prompt', 'Once upon a time', '-n', '40']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith('Once upon a time, there was a little girl named Lily. She loved to play outside in the park.'), r.stdout);
});

test('run with a seed is reproducible', { skip }, () => {
  const args = ['run', '--model', STORIES, '--prompt', 'The cat', '-n', '30', '--temperature', '1', '--seed', '7'];
  const a = bastion(args);
  const b = bastion(args);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
});


test('bench --json gives the four figures (and, with --streams, the batched rate)', { skip }, () => {
  const r = bastion(['bench', '--model', STORIES, '-p', '8', '-n', '8', '-t', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const figures = JSON.parse(r.stdout);
  for (const key of ['prefill_tps', 'decode_tps', 'peak_rss_bytes', 'bandwidth_gbs', 'weight_bytes', 'kv_bytes']) {
    assert.ok(Number.isFinite(figures[key]) && figures[key] > 0, `${key}=${figures[key]}`);
  }
  assert.equal(figures.streams, undefined);
  // The prefill ceiling: 0 only on CPUs without AVX2, where the engine has no 8-bit kernels.
  assert.ok(Number.isFinite(figures.int8_gmacs) && figures.int8_gmacs >= 0);
  assert.ok(Number.isFinite(figures.prefill_ceiling_tps) && figures.prefill_ceiling_tps >= 0);
  const batched = JSON.parse(bastion(['bench', '--model', STORIES, '-p', '8', '-n', '8', '-t', '1', '--streams', '4', '--json']).stdout);
  assert.equal(batched.streams, 4);
  assert.ok(batched.streams_decode_tps > 0);
});

test('bench refuses a run longer than the model context', { skip }, () => {
  const r = bastion(['bench', '--model', STORIES, '-p', '100000', '-n', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /context/);
});
