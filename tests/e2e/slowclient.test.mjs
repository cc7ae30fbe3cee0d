// Clients that hold connections: slow headers (slowloris), slow bodies, idle keep-alive
// connections, readers that stop reading, and the connection limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  chatBody, parseHttpHead, postJson, rawConnect, rawExchange, request, settlesWithin, sleep, startBastion,
  startUpstream, waitFor,
} from './lib/harness.mjs';

let upstream;

before(async () => {
  upstream = await startUpstream(null, { name: 'slowclient' });
});

const healthz = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

function assertClosedWithoutSuccess(res, what) {
  assert.ok(res.closed, `${what}: the server should close the connection (got ${JSON.stringify(res.data)})`);
  const head = parseHttpHead(res.data);
  if (head) assert.equal(head.status, 408, `${what}: only a 408 may precede the close`);
  else assert.equal(res.data, '', `${what}: nothing but a 408 may be sent`);
}

describe('timeouts on the client side', () => {
  let bastion;
  before(async () => {
    bastion = await startBastion(null, {
      config: {
        server: { header_timeout: '1s', body_timeout: '1s', keepalive_timeout: '1s', write_timeout: '1s' },
        models: [{ name: 'm', upstreams: [upstream.url] }],
      },
    });
  });
  after(() => bastion.stop());

  async function assertStillServing() {
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'quick one'));
    assert.equal(res.status, 200);
  }

  test('slowloris: headers one byte every 300 ms are cut off after server.header_timeout', async () => {
    const head = 'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Padding: aaaaaaaaaaaaaaaaaaaa\r\n\r\n';
    const res = await rawExchange(bastion.port, head.split(''), { gapMs: 300, timeoutMs: 4000 });
    assertClosedWithoutSuccess(res, 'slowloris');
    assert.ok(res.elapsedMs >= 800 && res.elapsedMs < 2200, `closed after ${res.elapsedMs}ms`);
    await assertStillServing();
  });

  test('a connection that sends nothing is closed after server.header_timeout', async () => {
    const res = await rawExchange(bastion.port, Buffer.alloc(0), { timeoutMs: 4000 });
    assertClosedWithoutSuccess(res, 'silent connection');
    assert.ok(res.elapsedMs >= 800 && res.elapsedMs < 2200, `closed after ${res.elapsedMs}ms`);
  });

  test('a body trickling in is cut off after server.body_timeout', async () => {
    const body = JSON.stringify(chatBody('m', 'z'.repeat(200)));
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const before = (await upstream.stats()).requests;
    const res = await rawExchange(bastion.port, [head, ...body.match(/.{1,10}/g)], { gapMs: 300, timeoutMs: 5000 });
    assertClosedWithoutSuccess(res, 'slow body');
    assert.ok(res.elapsedMs >= 800 && res.elapsedMs < 2500, `closed after ${res.elapsedMs}ms`);
    assert.equal((await upstream.stats()).requests, before, 'the partial request never went upstream');
    await assertStillServing();
  });

  test('an idle keep-alive connection is closed after server.keepalive_timeout', async () => {
    const conn = await rawConnect(bastion.port);
    conn.send(healthz);
    await conn.waitFor(/\{"status":"ok"\}/);
    const answered = Date.now();
    // Still usable shortly after...
    await sleep(300);
    conn.send(healthz);
    await conn.waitFor(/\{"status":"ok"\}[\s\S]*\{"status":"ok"\}/);
    const second = Date.now();
    // ...then closed once idle for keepalive_timeout.
    await settlesWithin(conn.closed, 4000);
    assert.ok(conn.state.closed, 'idle keep-alive connection closed');
    const idle = Date.now() - second;
    assert.ok(idle >= 800 && idle < 2200, `closed after ${idle}ms idle`);
    assert.ok(Date.now() - answered > idle);
    assert.equal([...conn.state.data.matchAll(/HTTP\/1\.1 /g)].length, 2, 'no extra response (e.g. a 408) on an idle close');
  });

  test('a client that stops reading a stream is dropped after server.write_timeout, and the upstream cancelled', async () => {
    const before = (await upstream.stats()).aborted;
    const conn = await rawConnect(bastion.port);
    const body = JSON.stringify(chatBody('m', 'flood:100000', { stream: true }));
    conn.send(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await conn.waitFor(/HTTP\/1\.1 200 OK/);
    conn.socket.pause();  // stop reading: buffers fill, bastion's writes stall
    const started = Date.now();
    await waitFor(async () => (await upstream.stats()).aborted > before, { timeoutMs: 8000, intervalMs: 100, what: 'the upstream stream to be cancelled' });
    const ms = Date.now() - started;
    assert.ok(ms < 6000, `cancelled after ${ms}ms`);
    conn.socket.resume();
    await settlesWithin(conn.closed, 3000);
    assert.ok(conn.state.closed, 'bastion closed the stalled connection');
    assert.ok(!conn.state.data.includes('data: [DONE]'), 'the stream did not complete');
    // Info lines reach stderr in batches (within 100 ms).
    await waitFor(() => /client_gone=true/.test(bastion.stderr()), { timeoutMs: 2000, what: 'log line /client_gone=true/' }).catch(() => {});
    assert.match(bastion.stderr(), /client_gone=true/);
    await assertStillServing();
  });
});

describe('server.max_connections', () => {
  let bastion;
  const conns = [];
  before(async () => {
    bastion = await startBastion(null, {
      config: { server: { max_connections: 4 }, models: [{ name: 'm', upstreams: [upstream.url] }] },
    });
  });
  after(() => {
    for (const c of conns) c.destroy();
    return bastion.stop();
  });

  test('a 5th connection gets 503 with Retry-After; the first four keep working', async () => {
    for (let i = 0; i < 4; i++) {
      const c = await rawConnect(bastion.port);
      conns.push(c);
      c.send(healthz);
      await c.waitFor(/\{"status":"ok"\}/);
    }
    const fifth = await rawExchange(bastion.port, healthz, { timeoutMs: 3000 });
    const head = parseHttpHead(fifth.data);
    assert.ok(head, `5th connection: ${JSON.stringify(fifth.data)}`);
    assert.equal(head.status, 503);
    assert.match(head.headers['retry-after'] ?? '', /^\d+$/);
    assert.equal(JSON.parse(head.body).error.code, 'overloaded');
    assert.ok(fifth.closed, 'the refused connection is closed');

    // The four admitted connections still serve, including inference.
    for (const [i, c] of conns.entries()) {
      const body = JSON.stringify(chatBody('m', `conn ${i}`));
      c.send(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await c.waitFor(new RegExp(`echo: conn ${i}`));
    }
  });

  test('closing one admits a new connection', async () => {
    conns.shift().destroy();
    await waitFor(async () => {
      const res = await request({ port: bastion.port, path: '/healthz' }).catch(() => null);
      return res?.status === 200;
    }, { timeoutMs: 3000, what: 'a slot to free up' });
  });
});
