// A throwaway PostgreSQL server for e2e tests: Debian's (or BASTION_PG_BINDIR's) initdb and
// postgres, a fresh cluster in a temporary directory, listening on a free loopback port, with
// trust authentication (any password is accepted). Stopped when the test (or the process) ends.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { freePort, makeTempDir, sleep } from './harness.mjs';

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

// The directory holding initdb and postgres; undefined when PostgreSQL is not installed.
export const PG_BIN = findPgBin();

// PostgreSQL refuses to run as root: under root, run it as the `postgres` user.
function runAs() {
  if (process.getuid() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  };
}

// Starts a server with superuser `bastion` and resolves to { port } once it accepts
// connections. `t`: the node:test context whose end stops it.
export async function startPostgres(t) {
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
