// A client that goes away cancels its upstream request: the fixture's `aborted` counter
// rises within a second or two, whether the client left while bastion waited for the
// upstream's head or in the middle of a stream. bastion keeps serving.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import OpenAI from 'openai';
import {
  chatBody, rawConnect, request, sleep, startBastion, startUpstream, waitFor,
} from './lib/harness.mjs';

let upstream;
let bastion;
let client;

before(async () => {
  upstream = await startUpstream(null, { name: 'patient' });
  bastion = await startBastion(null, { args: ['--upstream', `m=${upstream.url}`] });
  client = bastion.client();
});

async function assertStillServing() {
  const res = await client.chat.completions.create(chatBody('m', 'next please'));
  assert.equal(res.choices[0].message.content, 'echo: next please');
}

const aborted = async () => (await upstream.stats()).aborted;

async function waitForAbort(before, what) {
  const started = Date.now();
  await waitFor(async () => (await aborted()) > before, { timeoutMs: 2000, intervalMs: 25, what });
  return Date.now() - started;
}

test('non-streaming: aborting a request that waits on the upstream cancels it upstream', async () => {
  const { aborted: before, requests } = await upstream.stats();
  const controller = new AbortController();
  const pending = client.chat.completions.create(chatBody('m', 'hang'), { signal: controller.signal });
  await waitFor(async () => (await upstream.stats()).requests > requests, { what: 'the request to reach the upstream' });
  await sleep(100);
  controller.abort();
  await assert.rejects(pending, OpenAI.APIUserAbortError);
  await waitForAbort(before, 'the upstream request to be cancelled');
  await assertStillServing();
});

test('streaming: a client that stops reading after the first chunk cancels the stream upstream', async () => {
  const before = await upstream.stats();
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    chatBody('m', 'pace:100:50', { stream: true }), { signal: controller.signal });
  let chunks = 0;
  try {
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (++chunks === 2) controller.abort();
    }
  } catch (err) {
    // The openai client ends the iteration quietly on abort; accept an AbortError too.
    if (!(err instanceof OpenAI.APIUserAbortError || err.name === 'AbortError')) throw err;
  }
  assert.ok(chunks >= 2 && chunks < 50, `read ${chunks} chunks`);
  const ms = await waitForAbort(before.aborted, 'the upstream stream to be cancelled');
  assert.ok(ms < 2000);
  await assertStillServing();
});

test('streaming: the client leaves while bastion waits for the upstream head', async () => {
  const before = await aborted();
  const controller = new AbortController();
  const pending = client.chat.completions.create(chatBody('m', 'hang', { stream: true }), { signal: controller.signal });
  await sleep(300);
  controller.abort();
  await assert.rejects(pending);
  await waitForAbort(before, 'the upstream request to be cancelled');
  await assertStillServing();
});

test('raw socket closed mid-request: upstream cancelled, logged as client_gone, counted in metrics', async () => {
  const before = await aborted();
  const conn = await rawConnect(bastion.port);
  const body = JSON.stringify(chatBody('m', 'hang'));
  conn.send(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone-away-1\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await sleep(300);
  conn.destroy();
  await waitForAbort(before, 'the upstream request to be cancelled');
  await waitFor(() => /request id=gone-away-1 .*client_gone=true/.test(bastion.stderr()),
    { timeoutMs: 2000, what: 'the access log line' });
  const metrics = (await request({ port: bastion.port, path: '/metrics' })).body;
  assert.match(metrics, /^bastion_client_disconnects_total\{route="\/v1\/chat\/completions"\} [1-9]/m);
  await assertStillServing();
});

test('a request pipelined while the first waits on the upstream is not taken for a disconnect', async () => {
  const before = await aborted();
  const conn = await rawConnect(bastion.port);
  const post = (id, prompt, extra = '') => {
    const body = JSON.stringify(chatBody('m', prompt));
    return `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${id}\r\n${extra}`
      + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  conn.send(post('pipe-slow-1', 'slow:400'));
  await sleep(150);  // the first request is at the upstream; the second arrives meanwhile
  conn.send(post('pipe-slow-2', 'second', 'Connection: close\r\n'));
  await conn.closed;
  const ids = [...conn.state.data.matchAll(/X-Request-Id: (\S+)/gi)].map((m) => m[1]);
  assert.deepEqual(ids, ['pipe-slow-1', 'pipe-slow-2'], conn.state.data);
  assert.equal([...conn.state.data.matchAll(/HTTP\/1\.1 200 OK\r\n/g)].length, 2);
  assert.match(conn.state.data, /echo: second/);
  assert.equal(await aborted(), before, 'nothing was cancelled upstream');
  assert.doesNotMatch(bastion.stderr(), /request id=pipe-slow-\d .*client_gone=true/);
});

test('a client that half-closes after its request counts as gone, as with nginx', async () => {
  const before = await aborted();
  const conn = await rawConnect(bastion.port);
  const body = JSON.stringify(chatBody('m', 'hang'));
  conn.send(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-Id: half-closed-1\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await sleep(200);
  conn.socket.end();  // FIN: nothing more will be sent
  await waitForAbort(before, 'the upstream request to be cancelled');
  await waitFor(() => /request id=half-closed-1 .*client_gone=true/.test(bastion.stderr()),
    { timeoutMs: 2000, what: 'the access log line' });
  conn.destroy();
  await assertStillServing();
});

test('many abandoned requests leave nothing outstanding', async () => {
  const before = await aborted();
  const controllers = Array.from({ length: 10 }, () => new AbortController());
  const pending = controllers.map((c, i) =>
    client.chat.completions.create(chatBody('m', i % 2 ? 'hang' : 'pace:100:50', { stream: i % 2 === 0 }), { signal: c.signal })
      .then(async (s) => { if (s[Symbol.asyncIterator]) for await (const _ of s) { /* read until aborted */ } })
      .catch(() => {}));
  await sleep(400);
  for (const c of controllers) c.abort();
  await Promise.all(pending);
  await waitFor(async () => (await aborted()) >= before + 10, { timeoutMs: 3000, what: 'all 10 cancelled upstream' });
  await waitFor(async () => {
    const metrics = (await request({ port: bastion.port, path: '/metrics' })).body;
    return /^bastion_upstream_outstanding_requests\{[^}]*\} 0$/m.test(metrics);
  }, { timeoutMs: 2000, what: 'outstanding requests back to 0' });
  await assertStillServing();
});
