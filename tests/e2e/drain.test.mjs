// Graceful shutdown: on SIGTERM (or SIGINT) bastion stops accepting connections, lets
// in-flight requests finish, closes idle keep-alive connections, and exits 0; requests still
// running at server.drain_timeout are cut off.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import {
  chatBody, collectStream, postJson, rawConnect, request, settlesWithin, sleep, sseData, startBastion, startUpstream, waitExit, waitFor,
} from './lib/harness.mjs';

function connectOutcome(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (e) => resolve(e.code));
  });
}

async function startPair(t, config = {}) {
  const upstream = await startUpstream(t, { name: 'drain' });
  const bastion = await startBastion(t, {
    config: { ...config, models: [{ name: 'm', upstreams: [upstream.url] }] },
  });
  return { upstream, bastion };
}

test('SIGTERM: in-flight requests complete, new connections are refused, exit 0', async (t) => {
  const { upstream, bastion } = await startPair(t);
  const client = bastion.client();
  const whole = client.chat.completions.create(chatBody('m', 'slow:1500'));
  const streamed = (async () => collectStream(
    await client.chat.completions.create(chatBody('m', 'pace:20:75', { stream: true }))))();
  const raw = postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'pace:10:100', { stream: true }));
  await waitFor(async () => (await upstream.stats()).requests >= 3, { what: 'all three requests upstream' });
  await sleep(200);

  const signalled = Date.now();
  bastion.proc.kill('SIGTERM');
  await waitFor(() => /draining/.test(bastion.stderr()), { timeoutMs: 2000, what: 'the draining log line' });
  assert.equal(await connectOutcome(bastion.port), 'ECONNREFUSED', 'new connections are refused while draining');

  const res = await whole;
  assert.equal(res.choices[0].message.content, 'echo: slow:1500');
  const s = await streamed;
  assert.equal(s.text, Array.from({ length: 20 }, (_, i) => `t${i} `).join(''));
  assert.equal(s.finish, 'stop');
  const r = await raw;
  assert.equal(r.status, 200);
  assert.equal(sseData(r.body).at(-1), '[DONE]');

  const exit = await waitExit(bastion.proc, 5000);
  const took = Date.now() - signalled;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(took < 4000, `exited ${took}ms after SIGTERM`);
  assert.match(bastion.stderr(), /received signal 15/);
  assert.match(bastion.stderr(), /bastion stopped/);
  assert.equal((await upstream.stats()).aborted, 0, 'nothing was cut off');
});

test('SIGTERM with only idle keep-alive connections: exit at once', async (t) => {
  const { bastion } = await startPair(t);
  const conn = await rawConnect(bastion.port);
  conn.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await conn.waitFor(/\{"status":"ok"\}/);
  const signalled = Date.now();
  bastion.proc.kill('SIGTERM');
  const exit = await waitExit(bastion.proc, 5000);
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(Date.now() - signalled < 1500, `exit took ${Date.now() - signalled}ms (keepalive_timeout is 60s)`);
  await settlesWithin(conn.closed, 1000);
  assert.ok(conn.state.closed, 'the idle connection was closed');
});

test('SIGINT drains the same way', async (t) => {
  const { bastion } = await startPair(t);
  const pending = postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'slow:500'));
  await sleep(150);
  bastion.proc.kill('SIGINT');
  const res = await pending;
  assert.equal(res.status, 200);
  assert.equal(res.json.choices[0].message.content, 'echo: slow:500');
  assert.deepEqual(await waitExit(bastion.proc, 5000), { code: 0, signal: null });
});

test('server.drain_timeout cuts off requests that run too long', async (t) => {
  const { upstream, bastion } = await startPair(t, { server: { drain_timeout: '1s' } });
  const pending = postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'slow:10000')).then(
    (res) => `status ${res.status}`, (err) => `error ${err.code ?? err.message}`);
  await waitFor(async () => (await upstream.stats()).requests >= 1, { what: 'the request upstream' });
  const signalled = Date.now();
  bastion.proc.kill('SIGTERM');
  const exit = await waitExit(bastion.proc, 5000);
  const took = Date.now() - signalled;
  assert.ok(took >= 900 && took < 3000, `exited ${took}ms after SIGTERM`);
  assert.equal(exit.signal, null, `bastion died of ${exit.signal}`);
  assert.equal(exit.code, 0);
  const outcome = await pending;
  assert.match(outcome, /^error |^status 5\d\d$/, `the cut-off client saw: ${outcome}`);
});

// Without "Connection: close" a pooling client sends its next request into a socket bastion is
// closing, and gets ECONNRESET for a POST it cannot know was unprocessed.
test('a response finished during the drain tells the client the connection closes', async (t) => {
  const { upstream, bastion } = await startPair(t);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const send = (content) => new Promise((resolve) => {
    const body = JSON.stringify(chatBody('m', content));
    const req = http.request({
      host: '127.0.0.1', port: bastion.port, method: 'POST', path: '/v1/chat/completions', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
    });
    req.on('error', (err) => resolve({ error: err.code }));
    req.end(body);
  });
  const first = send('slow:800');
  const queued = send('queued behind the first on the one pooled socket');
  await waitFor(async () => (await upstream.stats()).requests >= 1, { what: 'the request upstream' });
  bastion.proc.kill('SIGTERM');
  assert.deepEqual(await first, { status: 200, connection: 'close' });
  // The queued request goes to a new connection, which the draining server refuses: a clean,
  // retryable failure rather than a reset after the POST was sent.
  assert.deepEqual(await queued, { error: 'ECONNREFUSED' });
});

test('after exit nothing listens on the port', async (t) => {
  const { bastion } = await startPair(t);
  assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200);
  const stopped = await bastion.stop();
  assert.deepEqual({ code: stopped.code, killed: stopped.killed }, { code: 0, killed: false });
  assert.equal(await connectOutcome(bastion.port), 'ECONNREFUSED');
});
