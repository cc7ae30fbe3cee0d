// The auditor's side of the trail from the command line: query with filters, export since a
// time, retention purges (dry run first) that are themselves recorded and keep the chain
// verifiable, and an auditor key pair that is never overwritten.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  buildConfig, chatBody, createKey, makeTempDir, postJson, runBastion, startBastion, startUpstream,
} from './lib/harness.mjs';

async function cli(args) {
  const res = await runBastion(['audit', ...args], { timeoutMs: 20000 });
  assert.ok(!res.timedOut, `bastion audit ${args.join(' ')} timed out`);
  return res;
}

function lines(stdout) {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('query, export, purge and verify on a live trail', async (t) => {
  const upstream = await startUpstream(t);
  const dataDir = path.join(makeTempDir(t, 'bastion-e2e-audit-cli-'), 'data');
  const config = buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] }) +
    '\n[audit]\npurge_interval = "0s"\n';
  const key = await createKey(dataDir, 'user');
  const bastion = await startBastion(t, { config, dataDir, noAuthFlag: true });
  const as = (id) => ({ headers: { authorization: `Bearer ${key.key}`, 'x-request-id': id } });
  for (let i = 0; i < 3; i++) {
    const ok = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', `hello ${i}`),
      as(`cli-ok-${i}`));
    assert.equal(ok.status, 200, ok.body);
  }
  const missing = await postJson(bastion.port, '/v1/chat/completions', chatBody('nope', 'hi'),
    as('cli-404'));
  assert.equal(missing.status, 404);

  // query: newest first, filtered on the event's members.
  const rejected = await cli(['query', '--data-dir', dataDir, '--status', '404', '--json']);
  assert.equal(rejected.code, 0, rejected.stderr);
  assert.deepEqual(lines(rejected.stdout).map((e) => e.request_id), ['cli-404']);
  const completed = await cli(['query', '--data-dir', dataDir, '--outcome', 'completed', '--limit', '2', '--json']);
  assert.deepEqual(lines(completed.stdout).map((e) => e.request_id), ['cli-ok-2', 'cli-ok-1']);
  const table = await cli(['query', '--data-dir', dataDir, '--request-id', 'cli-ok-0']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^SEQ\s+TIME\s+REQUEST/);
  assert.match(table.stdout, /cli-ok-0\s.*\s200\s+completed/);

  // export --since: everything from an hour ago, nothing from the future.
  const all = await cli(['export', '--data-dir', dataDir, '--since', '1h', '--format', 'jsonl']);
  assert.equal(lines(all.stdout).length, 4);
  const future = await cli(['export', '--data-dir', dataDir, '--since', '2999-01-01', '--format', 'jsonl']);
  assert.equal(future.stdout, '');
  const badTime = await cli(['export', '--data-dir', dataDir, '--since', 'yesterday']);
  assert.equal(badTime.code, 2);
  assert.match(badTime.stderr, /^bastion audit: bad time 'yesterday'/);

  // A dry run counts and changes nothing; the purge deletes, is recorded, and verifies.
  const dry = await cli(['purge', '--data-dir', dataDir, '--retain-metadata', '1ms', '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(JSON.parse(dry.stdout).events_deleted, 4);
  assert.equal(lines((await cli(['export', '--data-dir', dataDir])).stdout).length, 4);
  const purge = await cli(['purge', '--data-dir', dataDir, '--retain-metadata', '1ms', '--json']);
  assert.equal(purge.code, 0, purge.stderr);
  const report = JSON.parse(purge.stdout);
  assert.equal(report.events_deleted, 4);
  const after = lines((await cli(['export', '--data-dir', dataDir])).stdout);
  assert.deepEqual(after.map((e) => e.kind), ['purge']);
  assert.equal(after[0].events_deleted, 4);
  assert.equal(after[0].seq, report.purge_seq);

  // The server goes on writing after the purge; the trail still verifies end to end.
  const next = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'after'),
    as('cli-after'));
  assert.equal(next.status, 200);
  const verify = await cli(['verify', '--data-dir', dataDir, '--json']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  const v = JSON.parse(verify.stdout);
  assert.equal(v.ok, true);
  assert.equal(v.events, 2);
  const text = await cli(['verify', '--data-dir', dataDir]);
  assert.match(text.stdout, /^ok: 2 events/m);
});

test('a missing trail is an error, not an empty success', async (t) => {
  const dir = makeTempDir(t, 'bastion-e2e-audit-none-');
  for (const args of [['verify'], ['export'], ['query']]) {
    const res = await cli([...args, '--data-dir', path.join(dir, 'nothing')]);
    assert.equal(res.code, 2, `${args}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, /no audit trail at/);
  }
  assert.equal(fs.existsSync(path.join(dir, 'nothing')), false, 'reading must not create the trail');
});

test('keygen writes a pair once and never overwrites it', async (t) => {
  const dir = makeTempDir(t, 'bastion-e2e-audit-keygen-');
  const prefix = path.join(dir, 'auditor');
  const first = await cli(['keygen', '--out', prefix]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(fs.statSync(`${prefix}.key`).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(`${prefix}.pub`, 'utf8'), /^[0-9a-f]{64}\n$/);
  const secret = fs.readFileSync(`${prefix}.key`, 'utf8');
  const again = await cli(['keygen', '--out', prefix]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists/);
  assert.equal(fs.readFileSync(`${prefix}.key`, 'utf8'), secret);
});
