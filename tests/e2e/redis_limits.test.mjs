// Several gateways, one limit: two bastion processes share their rate limits through a real
// Redis server (Debian's redis-server) started here on a free loopback port.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

import { buildConfig, createKey, freePort, makeTempDir, request, sleep, startBastion, startUpstream } from './lib/harness.mjs';

const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => spawnSync('test', ['-x', p]).status === 0);

async function startRedis(t) {
  const port = await freePort();
  const dir = makeTempDir(t, 'bastion-e2e-redis-');
  const proc = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no'], { stdio: 'ignore' });
  t.after(() => proc.kill('SIGKILL'));
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end('PING\r\n'); });
      s.on('data', (d) => { resolve(d.toString().startsWith('+PONG')); s.destroy(); });
      s.on('error', () => resolve(false));
    });
    if (ok) return { port, proc };
    await sleep(50);
  }
  throw new Error('redis-server did not answer PING');
}

test('two gateways enforce one shared requests-per-minute limit', { skip: !REDIS && 'redis-server is not installed' }, async (t) => {
  const redis = await startRedis(t);
  const upstream = await startUpstream(t);
  const dataDir = makeTempDir(t);
  const config = buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] })
    + `\n[auth]\nredis_url = "redis://127.0.0.1:${redis.port}"\n`;
  const { key } = await createKey(dataDir, 'user', ['--rpm', '6']);
  const a = await startBastion(t, { noAuthFlag: true, config, dataDir });
  const b = await startBastion(t, { noAuthFlag: true, config, dataDir });
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  // Windows are UTC minutes: start well inside one so all ten requests share it.
  while (Date.now() % 60000 > 50000) await sleep(500);
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const gw = i % 2 === 0 ? a : b;
    const res = await request({
      port: gw.port, method: 'POST', path: '/v1/chat/completions', body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });
    statuses.push(res.status);
  }
  // Each gateway alone would admit 6; together they admit 6.
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);

  // Redis gone: limits fail closed with a clear 503, and the gateway keeps serving the rest.
  redis.proc.kill('SIGKILL');
  await sleep(200);
  const res = await request({
    port: a.port, method: 'POST', path: '/v1/chat/completions', body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  });
  assert.equal(res.status, 503, res.body);
  assert.equal(res.json.error.code, 'rate_limiter_unavailable');
  assert.equal((await request({ port: a.port, path: '/healthz' })).status, 200);
});
