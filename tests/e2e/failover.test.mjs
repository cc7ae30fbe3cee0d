// Several upstreams per model: failover before the first byte, active health checks (and
// /readyz), passive removal of failing upstreams, errors when no upstream can answer, and
// load spreading.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import {
  chatBody, deadUrl, postJson, request, sleep, startBastion, startUpstream, waitFor,
} from './lib/harness.mjs';

const ask = (client, content, extra = {}) => client.chat.completions.create(chatBody('m', content, extra));

async function readyz(bastion) {
  const res = await request({ port: bastion.port, path: '/readyz' });
  return { ...res.json, http: res.status };
}

function healthyGauge(metricsText, url) {
  const line = metricsText.split('\n').find((l) => l.startsWith('bastion_upstream_healthy{') && l.includes(`"${url}"`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

test('one dead upstream of two: every request still succeeds', async (t) => {
  const live = await startUpstream(t, { name: 'live' });
  const dead = await deadUrl();
  const bastion = await startBastion(t, {
    config: { models: [{ name: 'm', upstreams: [dead, live.url] }] },
  });
  const client = bastion.client();
  for (let i = 0; i < 8; i++) {
    const res = await ask(client, `try ${i}`);
    assert.equal(res.choices[0].message.content, `echo: try ${i}`);
  }
  // Streaming requests fail over too (nothing had reached the client yet).
  let text = '';
  for await (const chunk of await ask(client, 'stream me', { stream: true })) {
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  assert.equal(text, 'echo: stream me');
  assert.equal((await live.stats()).completed, 9);
  // Connection failures took the dead upstream out of rotation; the model is still ready.
  const ready = await readyz(bastion);
  assert.equal(ready.http, 200);
  assert.equal(ready.status, 'ready');
  assert.deepEqual(ready.models.m, { healthy_upstreams: 1, upstreams: 2 });
  const metrics = (await request({ port: bastion.port, path: '/metrics' })).body;
  assert.equal(healthyGauge(metrics, dead), 0);
  assert.equal(healthyGauge(metrics, live.url), 1);
  // Info lines reach stderr in batches (within 100 ms).
  await waitFor(() => /attempts=2/.test(bastion.stderr()), { timeoutMs: 2000, what: 'log line /attempts=2/' }).catch(() => {});
  assert.match(bastion.stderr(), /attempts=2/, 'the access log shows a request that needed a second attempt');
});

test('health checks: an unhealthy upstream leaves rotation, /readyz follows, and it comes back', async (t) => {
  const [a, b] = await Promise.all([startUpstream(t, { name: 'a' }), startUpstream(t, { name: 'b' })]);
  const bastion = await startBastion(t, {
    config: {
      upstream: { health_interval: '200ms', health_timeout: '500ms', unhealthy_threshold: 2, healthy_threshold: 1 },
      models: [{ name: 'm', upstreams: [a.url, b.url] }],
    },
  });
  const client = bastion.client();
  await waitFor(async () => (await a.stats()).health_checks >= 1, { what: 'a first health check' });
  assert.deepEqual((await readyz(bastion)).models.m, { healthy_upstreams: 2, upstreams: 2 });

  await a.setHealth(false);
  const one = await waitFor(async () => {
    const r = await readyz(bastion);
    return r.models.m.healthy_upstreams === 1 && r;
  }, { timeoutMs: 3000, what: 'a to leave rotation' });
  assert.equal(one.http, 200, 'still ready: b is healthy');

  const aBefore = (await a.stats()).requests;
  for (let i = 0; i < 6; i++) await ask(client, `only b ${i}`);
  assert.equal((await a.stats()).requests, aBefore, 'no traffic to the unhealthy upstream');
  assert.ok((await b.stats()).completed >= 6);

  // Both unhealthy: not ready, and requests get 503 with Retry-After.
  await b.setHealth(false);
  const none = await waitFor(async () => {
    const r = await readyz(bastion);
    return r.http === 503 && r;
  }, { timeoutMs: 3000, what: '/readyz to turn 503' });
  assert.equal(none.status, 'not_ready');
  assert.deepEqual(none.models.m, { healthy_upstreams: 0, upstreams: 2 });
  const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'anyone?'));
  assert.equal(res.status, 503);
  assert.equal(res.json.error.code, 'no_healthy_upstream');
  assert.match(res.headers['retry-after'] ?? '', /^\d+$/);
  await assert.rejects(ask(client, 'anyone at all?'), (err) => {
    assert.ok(err instanceof OpenAI.InternalServerError, `got ${err.constructor.name}`);
    assert.equal(err.status, 503);
    return true;
  });

  // a recovers: ready again, and traffic reaches it.
  await a.setHealth(true);
  await waitFor(async () => (await readyz(bastion)).http === 200, { timeoutMs: 3000, what: '/readyz to recover' });
  const res2 = await ask(client, 'back?');
  assert.equal(res2.choices[0].message.content, 'echo: back?');
  assert.ok((await a.stats()).requests > aBefore, 'a serves again');
  assert.match(bastion.stderr(), /taken out of rotation/);
  // Info lines reach stderr in batches (within 100 ms).
  await waitFor(() => /back in rotation/.test(bastion.stderr()), { timeoutMs: 2000, what: 'log line /back in rotation/' }).catch(() => {});
  assert.match(bastion.stderr(), /back in rotation/);
});

test('an upstream process that dies is routed around, and rejoins when restarted', async (t) => {
  const [a, b] = await Promise.all([startUpstream(t, { name: 'a' }), startUpstream(t, { name: 'b' })]);
  const bastion = await startBastion(t, {
    config: {
      upstream: { health_interval: '200ms', health_timeout: '500ms' },
      models: [{ name: 'm', upstreams: [a.url, b.url] }],
    },
  });
  const client = bastion.client();
  // Warm keep-alive connections to both.
  await Promise.all(Array.from({ length: 6 }, (_, i) => ask(client, `warm ${i}`)));
  assert.ok((await a.stats()).completed > 0 && (await b.stats()).completed > 0, 'both served while warming');

  await a.stop({ signal: 'SIGKILL' });
  for (let i = 0; i < 10; i++) {
    const res = await ask(client, `after death ${i}`);
    assert.equal(res.choices[0].message.content, `echo: after death ${i}`);
  }
  await waitFor(async () => (await readyz(bastion)).models.m.healthy_upstreams === 1, { timeoutMs: 3000, what: 'a out' });

  const again = await startUpstream(t, { name: 'a-again', port: a.port });
  await waitFor(async () => (await readyz(bastion)).models.m.healthy_upstreams === 2, { timeoutMs: 3000, what: 'a back' });
  await Promise.all(Array.from({ length: 6 }, (_, i) => ask(client, `rejoined ${i}`)));
  assert.ok((await again.stats()).completed > 0, 'the restarted upstream serves again');
});

test('all upstreams dead: 502 with Retry-After, then 503 once they are out of rotation', async (t) => {
  const bastion = await startBastion(t, {
    config: { models: [{ name: 'm', upstreams: [await deadUrl(), await deadUrl()] }] },
  });
  const first = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'hello?'));
  assert.equal(first.status, 502);
  assert.equal(first.json.error.code, 'upstream_unavailable');
  assert.equal(first.json.error.type, 'upstream_error');
  assert.match(first.headers['retry-after'] ?? '', /^[1-9]\d*$/);

  const client = bastion.client();
  await assert.rejects(ask(client, 'hello again?'), (err) => {
    assert.ok(err instanceof OpenAI.InternalServerError, `got ${err.constructor.name}`);
    assert.ok([502, 503].includes(err.status), `status ${err.status}`);
    assert.match(err.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    return true;
  });
  // Each dead upstream has failed twice (unhealthy_threshold 2): no longer tried.
  const later = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'still?'));
  assert.equal(later.status, 503);
  assert.equal(later.json.error.code, 'no_healthy_upstream');
  assert.match(later.headers['retry-after'] ?? '', /^[1-9]\d*$/);
  assert.equal((await readyz(bastion)).http, 503);
  assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200, 'alive though not ready');
});

test('a single upstream answering 500: 502 with Retry-After; 503 stays 503; 4xx is relayed', async (t) => {
  const up = await startUpstream(t, { name: 'sad' });
  const bastion = await startBastion(t, {
    config: {
      upstream: { unhealthy_threshold: 100 },  // keep it in rotation for the cases below
      models: [{ name: 'm', upstreams: [up.url] }],
    },
  });
  const client = bastion.client();
  await assert.rejects(ask(client, 'fail:500'), (err) => {
    assert.ok(err instanceof OpenAI.InternalServerError, `got ${err.constructor.name}`);
    assert.equal(err.status, 502);
    assert.equal(err.code, 'upstream_error');
    assert.match(err.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    return true;
  });
  const raw = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'fail:500'));
  assert.equal(raw.status, 502);
  assert.match(raw.headers['retry-after'] ?? '', /^\d+$/);
  assert.ok(!raw.body.includes('fixture failure'), 'the upstream 5xx body is not relayed');

  const unavailable = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'fail:503'));
  assert.equal(unavailable.status, 503);
  assert.match(unavailable.headers['retry-after'] ?? '', /^\d+$/);

  // A 4xx is the upstream's verdict on the request: relayed as is, not retried.
  const before = (await up.stats()).requests;
  await assert.rejects(ask(client, 'fail:429'), (err) => {
    assert.ok(err instanceof OpenAI.RateLimitError, `got ${err.constructor.name}`);
    assert.equal(err.message, '429 fixture failure 429');
    return true;
  });
  await assert.rejects(ask(client, 'fail:400'), OpenAI.BadRequestError);
  assert.equal((await up.stats()).requests, before + 2);

  const ok = await ask(client, 'fine now');
  assert.equal(ok.choices[0].message.content, 'echo: fine now');
});

test('a 500 is retried on the other upstream before giving up', async (t) => {
  const [a, b] = await Promise.all([startUpstream(t, { name: 'a' }), startUpstream(t, { name: 'b' })]);
  const bastion = await startBastion(t, {
    config: { upstream: { unhealthy_threshold: 100 }, models: [{ name: 'm', upstreams: [a.url, b.url] }] },
  });
  const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'fail:500'));
  assert.equal(res.status, 502);
  assert.equal((await a.stats()).requests, 1, 'a tried once');
  assert.equal((await b.stats()).requests, 1, 'b tried once');
  // Info lines reach stderr in batches (within 100 ms).
  await waitFor(() => /status=502 model=m upstream=\S+ attempts=2/.test(bastion.stderr()), { timeoutMs: 2000, what: 'log line /status=502 model=m upstream=\S+ attempts=2/' }).catch(() => {});
  assert.match(bastion.stderr(), /status=502 model=m upstream=\S+ attempts=2/);

  const retries0 = await startBastion(t, {
    config: { upstream: { retries: 0, unhealthy_threshold: 100 }, models: [{ name: 'm', upstreams: [a.url, b.url] }] },
  });
  await postJson(retries0.port, '/v1/chat/completions', chatBody('m', 'fail:500'));
  const total = (await a.stats()).requests + (await b.stats()).requests;
  assert.equal(total, 3, 'upstream.retries = 0: a single attempt');
});

test('load spreads across two healthy upstreams', async (t) => {
  const [a, b] = await Promise.all([startUpstream(t, { name: 'a' }), startUpstream(t, { name: 'b' })]);
  const bastion = await startBastion(t, { args: ['--upstream', `m=${a.url}`, '--upstream', `m=${b.url}`] });
  const client = bastion.client();
  for (let i = 0; i < 10; i++) await ask(client, `seq ${i}`);
  const [sa, sb] = [(await a.stats()).completed, (await b.stats()).completed];
  assert.equal(sa + sb, 10);
  assert.ok(sa >= 3 && sb >= 3, `sequential requests spread: a=${sa} b=${sb}`);

  // Concurrent slow requests: least-outstanding keeps both busy.
  await Promise.all(Array.from({ length: 8 }, () => ask(client, 'slow:300')));
  const [ca, cb] = [(await a.stats()).completed - sa, (await b.stats()).completed - sb];
  assert.equal(ca + cb, 8);
  assert.ok(ca >= 3 && cb >= 3, `concurrent requests spread: a=${ca} b=${cb}`);
});

test('an upstream going unhealthy mid-run loses no requests', async (t) => {
  const [a, b] = await Promise.all([startUpstream(t, { name: 'a' }), startUpstream(t, { name: 'b' })]);
  const bastion = await startBastion(t, {
    config: {
      upstream: { health_interval: '100ms', health_timeout: '300ms' },
      models: [{ name: 'm', upstreams: [a.url, b.url] }],
    },
  });
  const client = bastion.client();
  let failures = 0;
  const run = (async () => {
    for (let i = 0; i < 40; i++) {
      try { await ask(client, `steady ${i}`); } catch { failures++; }
      await sleep(10);
    }
  })();
  await sleep(100);
  await a.setHealth(false);
  await run;
  assert.equal(failures, 0);
});

test('requests in flight on an upstream that dies before answering are retried elsewhere', async (t) => {
  const [a, b] = await Promise.all([startUpstream(t, { name: 'a' }), startUpstream(t, { name: 'b' })]);
  const bastion = await startBastion(t, { args: ['--upstream', `m=${a.url}`, '--upstream', `m=${b.url}`] });
  const client = bastion.client();
  const inflight = Array.from({ length: 6 }, (_, i) => ask(client, 'slow:600').then(
    (res) => res.choices[0].message.content, (err) => `failed ${i}: ${err.status} ${err.message}`));
  await waitFor(async () => (await a.stats()).requests >= 2, { what: 'requests to reach a' });
  await a.stop({ signal: 'SIGKILL' });
  const results = await Promise.all(inflight);
  assert.deepEqual(results, Array(6).fill('echo: slow:600'));
  assert.equal((await b.stats()).completed, 6, 'b finished all of them');
});

test('an upstream answer over upstream.max_response_bytes: 502, not relayed', async (t) => {
  const up = await startUpstream(t, { name: 'verbose' });
  const bastion = await startBastion(t, {
    config: { upstream: { max_response_bytes: 2048 }, models: [{ name: 'm', upstreams: [up.url] }] },
  });
  const small = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'y'.repeat(1000)));
  assert.equal(small.status, 200);
  const big = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'y'.repeat(4000)));
  assert.equal(big.status, 502);
  assert.equal(big.json.error.code, 'upstream_response_too_large');
  assert.ok(!big.body.includes('yyyy'));
  assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200);
});

test('upstream.health_path is what the health check asks for', async (t) => {
  const up = await startUpstream(t, { name: 'pathy' });
  const bastion = await startBastion(t, {
    config: {
      upstream: { health_interval: '100ms', health_path: '/no-such-health-endpoint' },
      models: [{ name: 'm', upstreams: [up.url] }],
    },
  });
  await waitFor(async () => (await readyz(bastion)).http === 503, { timeoutMs: 3000, what: 'the 404ing health check to take the upstream out' });
  assert.equal((await up.stats()).health_checks, 0, 'GET /v1/models was never the health check');
  assert.match(bastion.stderr(), /taken out of rotation: model=m .*health check/);
});
