// One audit trail shared by several gateways: two bastion processes with their own data
// directories and their own checkpoint keys write to one PostgreSQL trail (a real server,
// started here) at the same time. The result is one chain, seq 1..N without gaps, holding
// every request of both; `bastion audit verify --store-url` checks it given both gateways'
// keys, and refuses checkpoints by a key it was not given.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { buildConfig, chatBody, makeTempDir, postJson, runBastion, startBastion, startUpstream } from './lib/harness.mjs';
import { PG_BIN, startPostgres } from './lib/postgres.mjs';

const CLI_TIMEOUT = 20000;
const PER_GATEWAY = 12;

async function cli(args) {
  const res = await runBastion(['audit', ...args], { timeoutMs: CLI_TIMEOUT });
  assert.ok(!res.timedOut, `bastion audit ${args.join(' ')} timed out`);
  return res;
}

// A gateway's checkpoint public key (hex), derived from the Ed25519 seed in its data directory's
// audit-signing.key, as libsodium derives it.
function signingPublicKey(dataDir) {
  const seed = Buffer.from(fs.readFileSync(path.join(dataDir, 'audit-signing.key'), 'utf8').trim(), 'hex');
  assert.equal(seed.length, 32, 'audit-signing.key holds a 32-byte seed');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const secret = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return Buffer.from(crypto.createPublicKey(secret).export({ format: 'jwk' }).x, 'base64url').toString('hex');
}

test('two gateways write one verifiable chain to PostgreSQL',
  { skip: !PG_BIN && !process.env.CI && 'PostgreSQL is not installed (initdb/postgres not found)' }, async (t) => {
    assert.ok(PG_BIN, 'CI is set, but PostgreSQL (initdb/postgres) is not installed');
    const pg = await startPostgres(t);
    const upstream = await startUpstream(t);
    const password = 'pg-audit-pass-must-not-leak';  // trust authentication: any password goes
    const url = `postgresql://bastion:${password}@127.0.0.1:${pg.port}/postgres`;
    const config = buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] })
      + `\n[audit]\nstore_url = ${JSON.stringify(url)}\npurge_interval = "0s"\n`;
    const dataA = path.join(makeTempDir(t, 'bastion-e2e-gw-a-'), 'data');
    const dataB = path.join(makeTempDir(t, 'bastion-e2e-gw-b-'), 'data');
    const [a, b] = await Promise.all([
      startBastion(t, { config, dataDir: dataA }),
      startBastion(t, { config, dataDir: dataB }),
    ]);

    // Both at once, interleaved: two clients per gateway, streamed and whole.
    const sent = [];
    const client = async (gw, name, lane) => {
      for (let i = lane; i < PER_GATEWAY; i += 2) {
        const id = `pg-${name}-${i}`;
        sent.push(id);
        const res = await postJson(gw.port, '/v1/chat/completions',
          chatBody('m', `hello ${i}`, { stream: i % 3 === 0 }), { headers: { 'x-request-id': id } });
        assert.equal(res.status, 200, `${id}: ${res.body}`);
      }
    };
    await Promise.all([client(a, 'a', 0), client(b, 'b', 0), client(a, 'a', 1), client(b, 'b', 1)]);
    assert.equal(sent.length, 2 * PER_GATEWAY);
    for (const gw of [a, b]) assert.equal((await gw.stop()).code, 0, gw.stderr());

    for (const dir of [dataA, dataB]) {
      assert.ok(!fs.existsSync(path.join(dir, 'audit.db')), `the trail went to SQLite in ${dir}`);
      assert.ok(fs.existsSync(path.join(dir, 'audit-signing.key')), `no signing key in ${dir}`);
    }
    const elsewhere = makeTempDir(t);  // a data directory with no key of its own to trust
    const trail = ['--data-dir', elsewhere, '--store-url', url];
    const publicKeys = [dataA, dataB].map(signingPublicKey);
    assert.notEqual(publicKeys[0], publicKeys[1], 'the gateways share a key');

    const verify = await cli(['verify', ...trail, '--json', ...publicKeys.flatMap((k) => ['--public-key', k])]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.events, sent.length);
    assert.equal(report.first_seq, 1);
    assert.equal(report.last_seq, sent.length);
    assert.equal(report.unsigned_tail, 0, 'the gateways signed the tail when they stopped');
    assert.ok(report.signers.length >= 1, verify.stdout);
    for (const s of report.signers) assert.ok(publicKeys.includes(s), `signed by ${s}, not by a gateway`);

    const exported = await cli(['export', ...trail, '--format', 'jsonl']);
    assert.equal(exported.code, 0, exported.stderr);
    const events = exported.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: sent.length }, (_, i) => i + 1));
    events.forEach((e, i) => {
      if (i > 0) assert.equal(e.prev_hash, events[i - 1].hash, `seq ${e.seq} does not link to the one before`);
    });
    assert.deepEqual(events.map((e) => e.request_id).sort(), [...sent].sort());
    // Interleaved: the chain does not hold one gateway's events and then the other's.
    const owners = events.map((e) => e.request_id.split('-')[1]).join('');
    assert.ok((owners.match(/ab|ba/g) ?? []).length >= 2, `order: ${owners}`);

    // A key that signed nothing here: the gateways' checkpoints are named.
    const stranger = crypto.randomBytes(32).toString('hex');
    const untrusted = await cli(['verify', ...trail, '--public-key', stranger, '--json']);
    assert.equal(untrusted.code, 1, untrusted.stdout + untrusted.stderr);
    assert.ok(JSON.parse(untrusted.stdout).problems.some((p) => p.kind === 'untrusted_signer'), untrusted.stdout);

    // Public keys in files of their own (64 hex digits), as an auditor keeps them.
    const pubFiles = publicKeys.map((k, i) => {
      const file = path.join(elsewhere, `gw${i + 1}-audit-signing.pub`);
      fs.writeFileSync(file, `${k}\n`);
      return file;
    });
    const byPubFile = await cli(['verify', ...trail, ...pubFiles.flatMap((f) => ['--public-key', f])]);
    assert.equal(byPubFile.code, 0, byPubFile.stdout + byPubFile.stderr);
    assert.match(byPubFile.stdout, new RegExp(`^ok: ${sent.length} events \\(seq 1-${sent.length}\\)`, 'm'), byPubFile.stdout);

    for (const out of [a.stderr(), b.stderr(), verify.stdout, verify.stderr, exported.stderr, untrusted.stdout]) {
      assert.ok(!out.includes(password), 'the store password reached an output');
    }

    // What docs/audit.md shows: each gateway's key given as a file. A gateway's public key
    // file (audit-signing.pub) when it writes one, else its signing key file itself.
    const keyFile = (dir) => ['audit-signing.pub', 'audit-signing.key'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    const byFile = await cli(['verify', ...trail, '--json', '--public-key', keyFile(dataA), '--public-key', keyFile(dataB)]);
    assert.equal(byFile.code, 0, `--public-key FILE: ${byFile.stdout}${byFile.stderr}`);
  });
