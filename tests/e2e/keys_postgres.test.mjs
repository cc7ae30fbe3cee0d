// Keys shared by gateways on several hosts: two bastion processes with different data
// directories share one PostgreSQL key store (a real server, started here on a free loopback
// port) and one pepper file. A key made by the CLI works on both; revoking it through one
// gateway's admin API takes effect on the other within a poll.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { buildConfig, freePort, makeTempDir, request, runBastion, sleep, startBastion, startUpstream } from './lib/harness.mjs';
import { PG_BIN, startPostgres } from './lib/postgres.mjs';

const chat = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
const call = (gw, key) => request({
  port: gw.port, method: 'POST', path: '/v1/chat/completions', body: chat,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
});

test('two gateways on different data directories share keys through PostgreSQL',
  { skip: !PG_BIN && 'PostgreSQL is not installed (initdb/postgres not found)' }, async (t) => {
    const pg = await startPostgres(t);
    const upstream = await startUpstream(t);
    const shared = makeTempDir(t, 'bastion-e2e-shared-');
    const password = 'pg-pass-must-not-leak';
    const url = `postgresql://bastion:${password}@127.0.0.1:${pg.port}/postgres`;
    const configFor = (dataDir) => buildConfig({
      server: { data_dir: dataDir }, models: [{ name: 'm', upstreams: [upstream.url] }],
    }) + `\n[auth]\nkey_store_url = "${url}"\npepper_file = "${path.join(shared, 'auth-pepper')}"\n`;
    const dataA = path.join(makeTempDir(t), 'data');
    const dataB = path.join(makeTempDir(t), 'data');
    const configA = path.join(shared, 'a.toml');
    fs.writeFileSync(configA, configFor(dataA));

    const made = await runBastion(['keys', 'create', '--config', configA, '--name', 'shared',
      '--role', 'user', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const { id, key } = JSON.parse(made.stdout);
    const admin = await runBastion(['keys', 'create', '--config', configA, '--name', 'root',
      '--role', 'admin', '--json']);
    assert.equal(admin.code, 0, admin.stderr);
    const adminKey = JSON.parse(admin.stdout).key;
    assert.ok(!fs.existsSync(path.join(dataA, 'keys.db')), 'keys went to PostgreSQL, not SQLite');

    const a = await startBastion(t, { noAuthFlag: true, config: configFor(dataA), dataDir: dataA });
    const b = await startBastion(t, { noAuthFlag: true, config: configFor(dataB), dataDir: dataB });
    assert.equal((await call(a, key)).status, 200);
    assert.equal((await call(b, key)).status, 200);

    // The CLI with --key-store-url sees the same keys, given the pepper (DATA_DIR/auth-pepper);
    // without it, it refuses rather than make a new one under which no key verifies.
    const noPepper = await runBastion(['keys', 'list', '--data-dir', makeTempDir(t), '--key-store-url', url]);
    assert.equal(noPepper.code, 1);
    assert.match(noPepper.stderr, /pepper/);
    assert.ok(!noPepper.stderr.includes(password), noPepper.stderr);
    const listed = await runBastion(['keys', 'list', '--json', '--data-dir', shared,
      '--key-store-url', url]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).map((k) => k.id).sort(),
      [id, JSON.parse(admin.stdout).id].sort());

    const revoked = await request({
      port: a.port, method: 'DELETE', path: `/admin/keys/${id}`,
      headers: { authorization: `Bearer ${adminKey}` },
    });
    assert.ok(revoked.status === 200 || revoked.status === 204, `revoke: ${revoked.status} ${revoked.body}`);
    assert.equal((await call(a, key)).status, 401);
    const start = Date.now();
    let status;
    while (Date.now() - start < 1500) {
      status = (await call(b, key)).status;
      if (status === 401) break;
      await sleep(50);
    }
    assert.equal(status, 401, 'gateway b still accepts the revoked key after 1.5 s');

    for (const gw of [a, b]) assert.ok(!gw.stderr().includes(password), 'the password reached a log');
  });

test('an unreachable PostgreSQL key store is named without its password', async () => {
  const port = await freePort();
  const password = 'pg-pass-must-not-leak';
  const res = await runBastion(['keys', 'list', '--data-dir', makeTempDir(null),
    '--key-store-url', `postgresql://bastion:${password}@127.0.0.1:${port}/postgres`]);
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.ok(!res.stderr.includes(password), res.stderr);
});
