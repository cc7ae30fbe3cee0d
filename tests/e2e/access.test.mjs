// Access control end to end: API keys made by the CLI, every route against every kind of
// credential, limits with OpenAI's headers, the admin API, key-scope escalation, and
// authentication failures that back off and never reach the logs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  buildConfig, createKey, makeTempDir, request, runBastion, sleep, startBastion, startUpstream, waitFor,
} from './lib/harness.mjs';

// Which roles each permission admits: written here independently of the server's own table,
// so the test checks the policy rather than restating it. A route whose permission is not
// listed fails the matrix, so a new route cannot ship without a decision here.
const EXPECTED_ROLES = {
  anonymous: ['admin', 'operator', 'user', 'auditor'],
  health: ['admin', 'operator'],
  metrics: ['admin', 'operator'],
  list_models: ['admin', 'operator', 'user'],
  inference: ['admin', 'user'],
  manage_keys: ['admin'],
  read_audit: ['admin', 'auditor'],
};

const bearer = (key) => (key ? { authorization: `Bearer ${key}` } : {});

async function routes() {
  const res = await runBastion(['routes', '--json']);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout);
}

// A request body each route accepts from a caller it admits.
function bodyFor(route) {
  if (route.path === '/v1/chat/completions') {
    return JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
  }
  if (route.path === '/v1/completions') return JSON.stringify({ model: 'm', prompt: 'hello' });
  if (route.path === '/admin/keys' && route.method === 'POST') {
    return JSON.stringify({ name: 'made-by-matrix', role: 'user' });
  }
  return route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}';
}

describe('route x role x credential matrix', () => {
  let upstream;
  let bastion;
  const creds = {};
  const targets = {};

  before(async () => {
    upstream = await startUpstream(null, { name: 'matrix' });
    bastion = await startBastion(null, {
      noAuthFlag: true,
      // Many failures from one address are the point here, not something to back off from.
      config: buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }, { name: 'other', upstreams: [upstream.url] }] })
        + '\n[auth]\nfailure_threshold = 100000\n',
    });
    const dataDir = bastion.dataDir;
    for (const role of ['admin', 'operator', 'user', 'auditor']) creds[role] = (await createKey(dataDir, role)).key;
    creds.other_model = (await createKey(dataDir, 'user', ['--models', 'other'])).key;
    const revoked = await createKey(dataDir, 'admin');
    const res = await runBastion(['keys', 'revoke', revoked.id, '--data-dir', dataDir]);
    assert.equal(res.code, 0, res.stderr);
    creds.revoked = revoked.key;
    creds.expired = (await createKey(dataDir, 'admin', ['--expires', '1s'])).key;
    // A well-formed key with a real id and a wrong secret, and one nobody made.
    creds.wrong_secret = creds.admin.slice(0, -8) + (creds.admin.endsWith('00000000') ? '11111111' : '00000000');
    creds.unknown = 'bst_aaaaaaaaaaaa_' + 'ab'.repeat(32);
    creds.malformed = "bst_' OR '1'='1";
    creds.none = '';
    targets.delete = (await createKey(dataDir, 'user')).id;
    targets.rotate = (await createKey(dataDir, 'user')).id;
    await sleep(1500);  // the expired key's second passes; the server has reloaded the store
  });
  after(async () => {
    await bastion?.stop();
    await upstream?.stop();
  });

  test('every route answers every credential as the policy says', async () => {
    const table = await routes();
    assert.ok(table.length >= 10, `routes: ${JSON.stringify(table)}`);
    const failures = [];
    for (const route of table) {
      const allowed = EXPECTED_ROLES[route.permission];
      assert.ok(allowed, `route ${route.method} ${route.path} needs permission '${route.permission}', which this test does not know: decide who may call it and add it to EXPECTED_ROLES`);
      assert.deepEqual(route.roles, allowed.filter((r) => r !== 'anonymous'), `${route.method} ${route.path}: the server's role table differs from the policy`);
      for (const [name, key] of Object.entries(creds)) {
        const path = route.path.replace('{id}', route.method === 'DELETE' ? targets.delete : targets.rotate);
        const res = await request({
          port: bastion.port, method: route.method, path, body: bodyFor(route),
          headers: { 'content-type': 'application/json', ...bearer(key) },
        });
        const role = ['admin', 'operator', 'user', 'auditor'].includes(name) ? name : (name === 'other_model' ? 'user' : null);
        let want;
        if (route.anonymous) want = 'ok';
        else if (!role) want = 401;
        else if (!allowed.includes(role)) want = 403;
        else if (name === 'other_model' && route.permission === 'inference') want = 403;
        else want = 'ok';
        const ok = want === 'ok' ? res.status >= 200 && res.status < 300 : res.status === want;
        if (!ok) failures.push(`${route.method} ${route.path} with ${name}: got ${res.status} ${res.body.slice(0, 160)}, want ${want}`);
        if (res.status === 401) {
          assert.equal(res.json?.error?.type, 'authentication_error', res.body);
          assert.match(res.headers['www-authenticate'] ?? '', /^Bearer/);
        }
        if (res.status === 403) assert.equal(res.json?.error?.type, 'permission_error', res.body);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('unknown routes say 404 only to authenticated callers', async () => {
    const anon = await request({ port: bastion.port, path: '/v1/secret-route' });
    assert.equal(anon.status, 401);
    const known = await request({ port: bastion.port, path: '/v1/secret-route', headers: bearer(creds.user) });
    assert.equal(known.status, 404);
    const wrongMethod = await request({ port: bastion.port, method: 'DELETE', path: '/v1/models' });
    assert.equal(wrongMethod.status, 401);
  });

  test('/v1/models lists only the models a key may use', async () => {
    const res = await request({ port: bastion.port, path: '/v1/models', headers: bearer(creds.other_model) });
    assert.deepEqual(res.json.data.map((m) => m.id), ['other']);
    const all = await request({ port: bastion.port, path: '/v1/models', headers: bearer(creds.user) });
    assert.deepEqual(all.json.data.map((m) => m.id).sort(), ['m', 'other']);
  });

  test('no presented secret reaches the logs', async () => {
    await waitFor(() => /auth_failure=/.test(bastion.stderr()), { what: 'an access-log line with a failure' });
    const logs = bastion.stderr() + bastion.stdout();
    for (const [name, key] of Object.entries(creds)) {
      if (key.length < 20) continue;
      const secret = key.slice(key.lastIndexOf('_') + 1);
      assert.ok(!logs.includes(secret), `the ${name} credential's secret appears in the logs`);
    }
  });
});

describe('keys on a running server', () => {
  test('created, rotated and revoked keys take effect within a second', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`] });
    const models = (key) => request({ port: bastion.port, path: '/v1/models', headers: bearer(key) });
    const { id, key } = await createKey(bastion.dataDir, 'user');
    await sleep(1000);
    assert.equal((await models(key)).status, 200);
    const rotated = await runBastion(['keys', 'rotate', id, '--json', '--data-dir', bastion.dataDir]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = JSON.parse(rotated.stdout).key;
    await sleep(1000);
    assert.equal((await models(key)).status, 401);
    assert.equal((await models(fresh)).status, 200);
    const revoked = await runBastion(['keys', 'revoke', id, '--data-dir', bastion.dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    await sleep(1000);
    const res = await models(fresh);
    assert.equal(res.status, 401);
    assert.match(res.json.error.message, /revoked/);
  });

  test('keys list shows keys without secrets; SQL-shaped ids change nothing', async (t) => {
    const dir = makeTempDir(t);
    const a = await createKey(dir, 'user', ['--models', 'm1,m2', '--rpm', '5', '--expires', '30d']);
    for (const id of ["' OR '1'='1", "x'; DROP TABLE api_keys; --", '*']) {
      const res = await runBastion(['keys', 'revoke', id, '--data-dir', dir]);
      assert.equal(res.code, 1, res.stderr);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
    const list = await runBastion(['keys', 'list', '--json', '--data-dir', dir]);
    assert.equal(list.code, 0, list.stderr);
    const keys = JSON.parse(list.stdout);
    assert.equal(keys.length, 1);
    const [k] = keys;
    assert.equal(k.id, a.id);
    assert.equal(k.role, 'user');
    assert.deepEqual(k.models, ['m1', 'm2']);
    assert.equal(k.revoked, false);
    assert.ok(k.expires > Date.now() / 1000 + 29 * 86400);
    assert.ok(!list.stdout.includes(a.key.slice(-64)), 'the secret must never be listed');
    const text = await runBastion(['keys', 'list', '--data-dir', dir]);
    assert.match(text.stdout, new RegExp(`${a.id}\\s+user-key\\s+user\\s+active`));
  });

  test('bad keys flags: exit 2 with one line', async (t) => {
    const dir = makeTempDir(t);
    for (const args of [['--role', 'root'], ['--role', 'user', '--expires', 'soon'], ['--role', 'user', '--models', 'a b']]) {
      const res = await runBastion(['keys', 'create', '--data-dir', dir, '--name', 'x', ...args]);
      assert.equal(res.code, 2, `${args}: ${res.stderr}`);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });
});

describe('admin API', () => {
  test('mirrors the CLI, and a key never gets more rights than its creator', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`, '--upstream', `n=${upstream.url}`] });
    const narrow = (await createKey(bastion.dataDir, 'admin', ['--models', 'm', '--rpm', '100'])).key;
    const root = await createKey(bastion.dataDir, 'admin');
    await sleep(1000);
    const admin = (body, method = 'POST', path = '/admin/keys') => request({
      port: bastion.port, method, path, body: body && JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...bearer(narrow) },
    });
    for (const body of [
      { name: 'all-models', role: 'user', rpm: 10 },
      { name: 'wider', role: 'user', models: ['m', 'n'], rpm: 10 },
      { name: 'unlimited', role: 'user', models: ['m'] },
      { name: 'looser', role: 'user', models: ['m'], rpm: 101 },
    ]) {
      const res = await admin(body);
      assert.equal(res.status, 403, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json.error.code, 'exceeds_creator_rights');
    }
    // Nor may it take over (rotate) or lock out (revoke) a key with more rights than its own.
    for (const [method, path] of [['POST', `/admin/keys/${root.id}/rotate`], ['DELETE', `/admin/keys/${root.id}`]]) {
      const res = await admin(undefined, method, path);
      assert.equal(res.status, 403, `${method} ${path}: ${res.body}`);
    }
    assert.equal((await request({ port: bastion.port, path: '/admin/keys', headers: bearer(root.key) })).status, 200);
    const bad = await admin({ name: 'x', role: 'user', models: ['m'], rpm: 5, sneaky: true });
    assert.equal(bad.status, 400);
    const made = await admin({ name: 'ok', role: 'user', models: ['m'], rpm: 5, expires: '1h' });
    assert.equal(made.status, 201, made.body);
    assert.match(made.json.key, /^bst_[a-z2-7]{12}_[0-9a-f]{64}$/);
    const list = await admin(undefined, 'GET');
    assert.ok(list.json.some((k) => k.id === made.json.id && k.name === 'ok' && !k.revoked));
    assert.ok(!list.body.includes(made.json.key.slice(-64)));
    // Usable at once: the directory reloads after its own writes.
    const use = await request({ port: bastion.port, path: '/v1/models', headers: bearer(made.json.key) });
    assert.equal(use.status, 200);
    const rotated = await admin(undefined, 'POST', `/admin/keys/${made.json.id}/rotate`);
    assert.equal(rotated.status, 200, rotated.body);
    assert.equal((await request({ port: bastion.port, path: '/v1/models', headers: bearer(made.json.key) })).status, 401);
    const revoked = await admin(undefined, 'DELETE', `/admin/keys/${made.json.id}`);
    assert.deepEqual(revoked.json, { id: made.json.id, revoked: true });
    assert.equal((await request({ port: bastion.port, path: '/v1/models', headers: bearer(rotated.json.key) })).status, 401);
    for (const id of ["'%20OR%20'1'%3D'1", '%27%3B%20DROP%20TABLE%20api_keys', 'aaaaaaaaaaaa']) {
      const res = await admin(undefined, 'DELETE', `/admin/keys/${id}`);
      assert.equal(res.status, 404, `${id}: ${res.body}`);
    }
  });
});

describe('limits', () => {
  test('requests per minute: 429 with Retry-After and x-ratelimit headers; the openai client sees it', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`] });
    const { key } = await createKey(bastion.dataDir, 'user', ['--rpm', '2']);
    await sleep(1000);
    const client = bastion.client({ apiKey: key });
    const first = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'one' }] }).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(first.response.headers.get('x-ratelimit-remaining-requests'), '1');
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'two' }] });
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'three' }] }),
      (err) => {
        assert.equal(err.status, 429);
        assert.equal(err.code, 'rate_limit_exceeded');
        assert.ok(Number(err.headers.get('retry-after')) >= 1);
        assert.equal(err.headers.get('x-ratelimit-remaining-requests'), '0');
        return true;
      });
  });

  test('max_tokens cap: above it is a 400, absent it is set', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`] });
    const { key } = await createKey(bastion.dataDir, 'user', ['--max-tokens', '64']);
    await sleep(1000);
    const client = bastion.client({ apiKey: key });
    await assert.rejects(
      client.chat.completions.create({ model: 'm', max_tokens: 65, messages: [{ role: 'user', content: 'x' }] }),
      (err) => err.status === 400 && err.code === 'max_tokens_exceeds_limit');
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const sent = (await upstream.stats()).last_body;
    assert.equal(sent.max_tokens, 64);
  });

  test('a stream the client abandons gives its concurrency slot back', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`] });
    const { key } = await createKey(bastion.dataDir, 'user', ['--concurrent', '1']);
    await sleep(1000);
    const client = bastion.client({ apiKey: key });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', stream: true, messages: [{ role: 'user', content: 'pace:100:100' }] },
      { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // While it runs, the one slot is taken.
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (err) => err.status === 429 && /concurrent/.test(err.message));
    controller.abort();
    await waitFor(async () => {
      try {
        await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
        return true;
      } catch (err) {
        if (err.status !== 429) throw err;
        return false;
      }
    }, { timeoutMs: 3000, what: 'the abandoned stream to release its slot' });
  });

  test('x-api-key works as well as Authorization: Bearer', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`] });
    const { key } = await createKey(bastion.dataDir, 'user');
    await sleep(1000);
    const res = await request({ port: bastion.port, path: '/v1/models', headers: { 'x-api-key': key } });
    assert.equal(res.status, 200, res.body);
  });

  test('daily token budget settles with real usage, also for streams', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, { noAuthFlag: true, args: ['--upstream', `m=${upstream.url}`] });
    // Each request reserves ~body/4 + max_tokens; usage then settles it down to 5 + words.
    const { key } = await createKey(bastion.dataDir, 'user', ['--daily-tokens', '200']);
    await sleep(1000);
    const client = bastion.client({ apiKey: key });
    let served = 0;
    for (let i = 0; i < 30; i++) {
      try {
        const stream = await client.chat.completions.create({
          model: 'm', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'a b c' }],
        });
        for await (const chunk of stream) void chunk;
        served++;
      } catch (err) {
        assert.equal(err.status, 429);
        break;
      }
    }
    // With reservations alone (~60 tokens each) only 3 would fit; settled usage lets more in.
    assert.ok(served > 3 && served < 30, `served ${served}`);
  });
});

describe('authentication failures', () => {
  test('back off per address after repeated failures, and are counted', async (t) => {
    const upstream = await startUpstream(t);
    const bastion = await startBastion(t, {
      noAuthFlag: true,
      config: buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] }) + '\n[auth]\nfailure_threshold = 3\nmetrics_anonymous = true\n',
    });
    const { key } = await createKey(bastion.dataDir, 'user');
    await sleep(1000);
    for (let i = 0; i < 3; i++) {
      const res = await request({ port: bastion.port, path: '/v1/models', headers: bearer(`bst_aaaaaaaaaaaa_${'0'.repeat(64)}`) });
      assert.equal(res.status, 401);
    }
    const blocked = await request({ port: bastion.port, path: '/v1/models', headers: bearer(key) });
    assert.equal(blocked.status, 429, blocked.body);
    assert.equal(blocked.json.error.code, 'too_many_auth_failures');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    await sleep(1100);
    assert.equal((await request({ port: bastion.port, path: '/v1/models', headers: bearer(key) })).status, 200);
    const metrics = await request({ port: bastion.port, path: '/metrics' });
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /bastion_auth_failures_total\{reason="unknown_key"\} 3/);
  });

  test('--insecure-no-auth works only on loopback', async (t) => {
    const dir = makeTempDir(t);
    const res = await runBastion(['serve', '--listen', '0.0.0.0:0', '--insecure-no-auth', '--allow-public-plaintext',
      '--data-dir', dir, '--upstream', 'm=http://127.0.0.1:9/v1']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^bastion: error: .*insecure-no-auth.*loopback/);
  });
});
