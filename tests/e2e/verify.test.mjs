// `bastion manifest` and `bastion verify` as an operator pins a model folder and checks it
// again before each deployment; hashes must agree with sha256sum's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BASTION_BIN, makeTempDir } from './lib/harness.mjs';

const bastion = (...args) => spawnSync(BASTION_BIN, args, { encoding: 'utf8', timeout: 30000 });
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

test('manifest records sizes and SHA-256; verify passes, then fails on every change', (t) => {
  const dir = makeTempDir(t, 'bastion-verify-');
  const weights = crypto.randomBytes(1 << 20);
  fs.writeFileSync(path.join(dir, 'model.safetensors'), weights);
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'config.json'), '{}');
  const made = bastion('manifest', dir);
  assert.equal(made.status, 0, made.stderr);
  const manifest = JSON.parse(made.stdout);
  assert.deepEqual(manifest, {
    version: 1,
    files: [
      { path: 'model.safetensors', size: weights.length, sha256: sha256(weights) },
      { path: 'sub/config.json', size: 2, sha256: sha256('{}') },
    ],
  });
  const file = path.join(dir, 'manifest.json');  // kept in the folder: verify leaves it out
  fs.writeFileSync(file, made.stdout);

  let r = bastion('verify', dir, '--manifest', file);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^verified: 2 files/m);

  weights[12345] ^= 1;  // one bit
  fs.writeFileSync(path.join(dir, 'model.safetensors'), weights);
  fs.rmSync(path.join(dir, 'sub', 'config.json'));
  fs.writeFileSync(path.join(dir, 'modeling.py'), 'import os');
  r = bastion('verify', dir, '--manifest', file, '--json');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const drift = JSON.parse(r.stdout);
  assert.equal(drift.ok, false);
  assert.match(drift.changed[0], /^model\.safetensors: sha256 [0-9a-f]{64}, expected [0-9a-f]{64}$/);
  assert.deepEqual(drift.missing, ['sub/config.json']);
  assert.deepEqual(drift.extra, ['modeling.py']);
});

test('verify refuses a tampered manifest with one line and exit 2', (t) => {
  const dir = makeTempDir(t, 'bastion-verify-');
  const file = path.join(dir, 'manifest.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, files: [{ path: '../../etc/passwd', size: 1, sha256: 'a'.repeat(64) }] }));
  const r = bastion('verify', dir, '--manifest', file);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^bastion verify: .*inside the folder\n$/);
});
