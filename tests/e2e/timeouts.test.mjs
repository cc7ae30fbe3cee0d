// Upstream timeouts and failures: a slow first byte gives 504 with Retry-After; a stream that
// goes silent or whose upstream connection dies ends with an SSE error event.
// (upstream.connect_timeout is not tested: on loopback a connect is refused or accepted at
// once, never left pending.)
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { chatBody, postJson, sseData, startBastion, startUpstream, waitFor } from './lib/harness.mjs';

let upstream;
let bastion;
let client;

before(async () => {
  upstream = await startUpstream(null, { name: 'slowpoke' });
  bastion = await startBastion(null, {
    config: {
      // A high threshold keeps the one upstream in rotation through the failures below.
      upstream: { first_byte_timeout: '500ms', idle_timeout: '500ms', unhealthy_threshold: 100 },
      models: [{ name: 'm', upstreams: [upstream.url] }],
    },
  });
  client = bastion.client();
});

const ask = (content, extra = {}) => client.chat.completions.create(chatBody('m', content, extra));

async function assertStillServing() {
  const res = await ask('are you there?');
  assert.equal(res.choices[0].message.content, 'echo: are you there?');
}

describe('upstream.first_byte_timeout', () => {
  test('a slow upstream head gives 504 with Retry-After, in time', async () => {
    const abortedBefore = (await upstream.stats()).aborted;
    const started = Date.now();
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'slow:3000'));
    const elapsed = Date.now() - started;
    assert.equal(res.status, 504);
    assert.equal(res.json.error.code, 'upstream_timeout');
    assert.equal(res.json.error.type, 'upstream_error');
    assert.match(res.json.error.message, /first_byte_timeout/);
    assert.match(res.headers['retry-after'] ?? '', /^[1-9]\d*$/);
    assert.ok(elapsed >= 450 && elapsed < 2000, `answered after ${elapsed}ms`);
    // bastion gave up on the upstream request too.
    await waitFor(async () => (await upstream.stats()).aborted > abortedBefore, { timeoutMs: 2000, what: 'upstream abort' });
    await assertStillServing();
  });

  test('openai client: InternalServerError 504, for streaming requests too', async () => {
    for (const stream of [false, true]) {
      await assert.rejects(ask('slow:3000', { stream }), (err) => {
        assert.ok(err instanceof OpenAI.InternalServerError, `stream=${stream}: got ${err.constructor.name}`);
        assert.equal(err.status, 504);
        assert.equal(err.code, 'upstream_timeout');
        return true;
      });
    }
    await assertStillServing();
  });

  test('an upstream that never answers gives 504', async () => {
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'hang'));
    assert.equal(res.status, 504);
    await assertStillServing();
  });

  test('a head just inside the timeout is fine', async () => {
    const res = await ask('slow:150');
    assert.equal(res.choices[0].message.content, 'echo: slow:150');
  });
});

describe('mid-stream failures', () => {
  test('upstream.idle_timeout: a stalled stream ends with an error event (openai client throws)', async () => {
    const stream = await ask('stall', { stream: true });
    let text = '';
    const started = Date.now();
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    }, (err) => {
      assert.ok(err instanceof OpenAI.APIError, `got ${err.constructor.name}: ${err.message}`);
      assert.equal(err.code, 'upstream_timeout');
      assert.match(err.message, /idle_timeout/);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.equal(text, 'echo: stall', 'the chunks before the stall arrived');
    assert.ok(elapsed < 2500, `error after ${elapsed}ms`);
    await assertStillServing();
  });

  test('raw SSE: the chunks, then data: {"error":...}, no [DONE], and a cleanly ended response', async () => {
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'stall', { stream: true }));
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/event-stream/);
    const events = sseData(res.body);
    assert.ok(events.length >= 3, res.body);
    assert.ok(!events.includes('[DONE]'));
    const last = JSON.parse(events.at(-1));
    assert.deepEqual(Object.keys(last), ['error']);
    assert.equal(last.error.code, 'upstream_timeout');
    assert.equal(last.error.type, 'upstream_error');
    for (const e of events.slice(0, -1)) assert.equal(JSON.parse(e).object, 'chat.completion.chunk');
  });

  test('an upstream connection that dies mid-stream ends with an error event', async () => {
    const stream = await ask('die', { stream: true });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    }, (err) => {
      assert.ok(err instanceof OpenAI.APIError, `got ${err.constructor.name}: ${err.message}`);
      assert.equal(err.code, 'upstream_stream_error');
      return true;
    });
    // The fixture resets the connection right after writing its second chunk, which may or
    // may not have left its socket first.
    assert.ok(['echo: ', 'echo: die'].includes(text), `relayed ${JSON.stringify(text)}`);

    const raw = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'die', { stream: true }));
    const events = sseData(raw.body);
    assert.equal(JSON.parse(events.at(-1)).error.code, 'upstream_stream_error');
    assert.ok(!events.includes('[DONE]'));
    await assertStillServing();
  });

  test('legacy completions streams end with an error event too', async () => {
    const res = await postJson(bastion.port, '/v1/completions', { model: 'm', prompt: 'stall', stream: true });
    const events = sseData(res.body);
    assert.equal(JSON.parse(events.at(-1)).error.code, 'upstream_timeout');
  });

  test('the failures show in the access log', async () => {
    // Info lines reach stderr in batches (within 100 ms).
    await waitFor(() => /status=504 .*error=upstream_timeout/.test(bastion.stderr()), { timeoutMs: 2000, what: 'log line /status=504 .*error=upstream_timeout/' }).catch(() => {});
    assert.match(bastion.stderr(), /status=504 .*error=upstream_timeout/);
    // Info lines reach stderr in batches (within 100 ms).
    await waitFor(() => /status=200 .*stream=true .*error=upstream_stream_error/.test(bastion.stderr()), { timeoutMs: 2000, what: 'log line /status=200 .*stream=true .*error=upstream_stream_error/' }).catch(() => {});
    assert.match(bastion.stderr(), /status=200 .*stream=true .*error=upstream_stream_error/);
  });
});
