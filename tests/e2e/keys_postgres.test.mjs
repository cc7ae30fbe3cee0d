// Keys shared by gateways on several hosts: two bastion processes with different data
// directories share one PostgreSQL key store (a real server, started here on a free loopback
// port) and one pepper file. A key made by the CLI works on both; revoking it through one
// gateway's admin API takes effect on the other within a poll.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { buildConfig, freePort, makeTempDir, request, runBastion, sleep, startBastion, startUpstream } from './lib/harness.mjs';

function findPgBin() {
  const candidates = [];
  if (process.env.BASTION_PG_BINDIR) candidates.push(process.env.BASTION_PG_BINDIR);
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join('/usr/lib/postgresql', v, 'bin'));
  } catch { /* not installed there */ }
  return candidates.find((dir) => ['initdb', 'postgres'].every((b) => fs.existsSync(path.join(dir, b))));
}

const PG_BIN = findPgBin();

// PostgreSQL refuses to run as root: under root, run it as the `postgres` user.
function runAs() {
  if (process.getuid() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  };
}

async function startPostgres(t) {
  const dir = makeTempDir(t, 'bastion-e2e-pg-');
  const user = runAs();
  if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const init = spawnSync(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'bastion', '--auth=trust',
    '--no-sync', '-E', 'UTF8', '--locale=C'], { ...user, encoding: 'utf8' });
  assert.equal(init.status, 0, `initdb failed: ${init.stderr}`);
  const port = await freePort();
  const proc = spawn(path.join(PG_BIN, 'postgres'), ['-D', data, '-k', dir, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], { ...user, stdio: 'ignore' });
  // SIGQUIT: an immediate shutdown that takes postgres's own children along.
  const kill = () => { try { proc.kill('SIGQUIT'); } catch { /* gone */ } };
  process.once('exit', kill);
  t.after(kill);
  for (let i = 0; i < 200; i++) {
    const ready = spawnSync(path.join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
    if (ready.status === 0) return { port };
    await sleep(100);
  }
  throw new Error('postgres did not accept connections');
}

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
