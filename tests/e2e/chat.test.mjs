// The happy paths through bastion with the official openai client: chat and legacy
// completions, streamed and not, model listing, request ids, upstream model rewriting, and
// which credentials travel where.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  CLIENT_KEY, chatBody, parseHttpHead, rawExchange, sseData, startBastion, startUpstream,
} from './lib/harness.mjs';

const UPSTREAM_KEY = 'upstream-secret-key-chat-7f3a';

let keyed;     // fixture requiring UPSTREAM_KEY
let open;      // fixture without a key
let bastion;
let client;

before(async () => {
  [keyed, open] = await Promise.all([
    startUpstream(null, { name: 'keyed', apiKey: UPSTREAM_KEY }),
    startUpstream(null, { name: 'open' }),
  ]);
  bastion = await startBastion(null, {
    env: { BASTION_E2E_UPSTREAM_KEY: UPSTREAM_KEY },
    config: {
      // "whoami" answers with the upstream's credential, which the output guard rightly
      // blocks (e2e/guard tests that); here it shows what reached the upstream.
      guard: { scan_output: false },
      models: [
        { name: 'chat-model', upstreams: [{ url: keyed.url, api_key_env: 'BASTION_E2E_UPSTREAM_KEY' }] },
        { name: 'alias-model', upstream_model: 'real-upstream-name', upstreams: [open.url] },
        { name: 'open-model', upstreams: [open.url] },
      ],
    },
  });
  client = bastion.client();
});

describe('chat completions', () => {
  test('non-streaming: content, finish_reason and usage', async () => {
    const res = await client.chat.completions.create({
      model: 'chat-model',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello world' }],
    });
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.choices.length, 1);
    assert.equal(res.choices[0].message.role, 'assistant');
    assert.equal(res.choices[0].message.content, 'echo: hello world');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.deepEqual(res.usage, { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });

  test('streaming: deltas add up to the answer and the last choice says stop', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat-model', stream: true,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    let text = '';
    const finishes = [];
    let chunks = 0;
    let usageChunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usageChunks++;
      for (const choice of chunk.choices) {
        text += choice.delta?.content ?? '';
        if (choice.finish_reason) finishes.push(choice.finish_reason);
      }
    }
    assert.equal(text, 'echo: one two three four');
    assert.deepEqual(finishes, ['stop']);
    assert.ok(chunks >= 5, `expected the answer in several chunks, got ${chunks}`);
    assert.equal(usageChunks, 0, 'no usage chunk unless stream_options.include_usage');
  });

  test('streaming with stream_options.include_usage ends with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat-model', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count me' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage, 'last chunk carries usage');
    assert.equal(last.usage.prompt_tokens, 5);
    assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
    const text = chunks.flatMap((c) => c.choices).map((c) => c.delta?.content ?? '').join('');
    assert.equal(text, 'echo: count me');
  });
});

describe('legacy completions', () => {
  test('non-streaming', async () => {
    const res = await client.completions.create({ model: 'chat-model', prompt: 'say this' });
    assert.equal(res.object, 'text_completion');
    assert.equal(res.choices[0].text, 'echo: say this');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.equal(res.usage.total_tokens, 8);
  });

  test('streaming', async () => {
    const stream = await client.completions.create({ model: 'chat-model', prompt: 'say this too', stream: true });
    let text = '';
    let finish = null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'text_completion');
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, 'echo: say this too');
    assert.equal(finish, 'stop');
  });
});

test('GET /v1/models lists exactly the configured models', async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    assert.equal(model.object, 'model');
    ids.push(model.id);
  }
  assert.deepEqual(ids.sort(), ['alias-model', 'chat-model', 'open-model']);
});

describe('request ids', () => {
  test('a generated X-Request-Id is returned and passed upstream', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'open-model', messages: [{ role: 'user', content: 'id please' }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, 'echo: id please');
    const id = response.headers.get('x-request-id');
    assert.match(id, /^req-[0-9a-f]{32}$/);
    const stats = await open.stats();
    assert.equal(stats.last_headers['x-request-id'], id);
  });

  test('a plain client-provided id is kept', async () => {
    const mine = 'client-trace_42.abc';
    const { response } = await client.chat.completions
      .create({ model: 'open-model', messages: [{ role: 'user', content: 'keep my id' }] },
        { headers: { 'X-Request-Id': mine } })
      .withResponse();
    assert.equal(response.headers.get('x-request-id'), mine);
    assert.equal((await open.stats()).last_headers['x-request-id'], mine);
  });

  test('an unsafe client-provided id is replaced', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'open-model', messages: [{ role: 'user', content: 'bad id' }] },
        { headers: { 'X-Request-Id': 'evil id\twith spaces"' } })
      .withResponse();
    assert.match(response.headers.get('x-request-id'), /^req-[0-9a-f]{32}$/);
  });

  test('error responses carry a request id too', async () => {
    const { response } = await client.models.list().withResponse();
    assert.match(response.headers.get('x-request-id'), /^req-[0-9a-f]{32}$/);
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (err) => {
        assert.match(err.headers.get('x-request-id'), /^req-[0-9a-f]{32}$/);
        return true;
      });
  });
});

test('upstream_model: the upstream is sent its own model name', async () => {
  const res = await client.chat.completions.create({
    model: 'alias-model', messages: [{ role: 'user', content: 'rename me' }], temperature: 0.5,
  });
  assert.equal(res.choices[0].message.content, 'echo: rename me');
  const stats = await open.stats();
  assert.equal(stats.last_model, 'real-upstream-name');

  await client.chat.completions.create({ model: 'open-model', messages: [{ role: 'user', content: 'same name' }] });
  assert.equal((await open.stats()).last_model, 'open-model');
});

describe('credentials', () => {
  test('the configured upstream key reaches the upstream, the client key does not', async () => {
    const res = await client.chat.completions.create({
      model: 'chat-model', messages: [{ role: 'user', content: 'whoami' }],
    });
    assert.equal(res.choices[0].message.content, `name=keyed authorization=Bearer ${UPSTREAM_KEY}`);
    const stats = await keyed.stats();
    assert.equal(stats.last_headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.ok(!JSON.stringify(stats.last_headers).includes(CLIENT_KEY), 'client key reached the upstream');
  });

  test('with no upstream key configured, no Authorization header is sent at all', async () => {
    const res = await client.chat.completions.create({
      model: 'open-model', messages: [{ role: 'user', content: 'whoami' }],
    });
    assert.equal(res.choices[0].message.content, 'name=open authorization=');
    const stats = await open.stats();
    assert.equal(stats.last_headers.authorization, undefined);
    assert.ok(!JSON.stringify(stats.last_headers).includes(CLIENT_KEY), 'client key reached the upstream');
  });

  test('other client headers (OpenAI-Organization, cookies) are not forwarded either', async () => {
    await client.chat.completions.create(
      { model: 'open-model', messages: [{ role: 'user', content: 'headers' }] },
      { headers: { 'OpenAI-Organization': 'org-secret', Cookie: 'session=secret-cookie' } });
    const headers = (await open.stats()).last_headers;
    assert.equal(headers['openai-organization'], undefined);
    assert.equal(headers.cookie, undefined);
  });
});

describe('what reaches the upstream', () => {
  const extras = {
    temperature: 0.25, top_p: 0.5, max_tokens: 77, seed: 42, stop: ['END'], user: 'u-1',
    response_format: { type: 'json_object' }, top_k: 20, repetition_penalty: 1.1,
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
    logit_bias: { 50256: -100 }, metadata: { nested: { deep: [1, 2.5, null, true, 'x'] } },
  };

  test('every request field is forwarded unchanged (vendor extras included)', async () => {
    const body = { ...chatBody('open-model', 'forward me'), ...extras };
    await client.chat.completions.create(body);
    assert.deepEqual((await open.stats()).last_body, body);
  });

  test('with upstream_model, only "model" changes', async () => {
    const body = { ...chatBody('alias-model', 'forward me too'), ...extras };
    await client.chat.completions.create(body);
    assert.deepEqual((await open.stats()).last_body, { ...body, model: 'real-upstream-name' });
  });

  test('unicode, escapes and control characters survive both ways', async () => {
    const weird = 'héllo "quoted" \\ back\nnewline \u2028 \u0001 😀 \t tab </script> 中文';
    for (const model of ['open-model', 'alias-model']) {
      const res = await client.chat.completions.create(chatBody(model, weird));
      assert.equal(res.choices[0].message.content, `echo: ${weird}`);
      assert.equal((await open.stats()).last_body.messages[0].content, weird);
    }
    let streamed = '';
    for await (const c of await client.chat.completions.create(chatBody('alias-model', weird, { stream: true }))) {
      streamed += c.choices[0]?.delta?.content ?? '';
    }
    assert.equal(streamed, `echo: ${weird}`);
  });
});

test('HTTP/1.0 streaming: events, then the end of the connection', async () => {
  const body = JSON.stringify(chatBody('open-model', 'old client', { stream: true }));
  const res = await rawExchange(bastion.port,
    `POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    { timeoutMs: 5000 });
  const head = parseHttpHead(res.data);
  assert.equal(head.status, 200);
  assert.equal(head.headers['transfer-encoding'], undefined, 'no chunked encoding for HTTP/1.0');
  assert.ok(res.closed);
  const events = sseData(head.body);
  assert.equal(events.at(-1), '[DONE]');
  const text = events.slice(0, -1).map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, 'echo: old client');
});

test('request ids: 64 safe characters are kept, 65 are replaced', async () => {
  const ok = 'a'.repeat(64);
  let r = await client.chat.completions.create(chatBody('open-model', 'long id'), { headers: { 'X-Request-Id': ok } }).withResponse();
  assert.equal(r.response.headers.get('x-request-id'), ok);
  r = await client.chat.completions.create(chatBody('open-model', 'too long id'), { headers: { 'X-Request-Id': `${ok}b` } }).withResponse();
  assert.match(r.response.headers.get('x-request-id'), /^req-[0-9a-f]{32}$/);
});

test('many concurrent streams each get their own answer', async () => {
  const results = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const model = i % 2 ? 'open-model' : 'chat-model';
    let text = '';
    for await (const c of await client.chat.completions.create(chatBody(model, `stream number ${i} here`, { stream: true }))) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    return text;
  }));
  results.forEach((text, i) => assert.equal(text, `echo: stream number ${i} here`));
});

test('a large answer (about 900 KB) is relayed intact, whole and streamed', async () => {
  const prompt = 'word '.repeat(180000).trim();
  const res = await client.chat.completions.create(chatBody('open-model', prompt));
  assert.equal(res.choices[0].message.content, `echo: ${prompt}`);
  let streamed = '';
  for await (const c of await client.chat.completions.create(chatBody('open-model', prompt.slice(0, 500), { stream: true }))) {
    streamed += c.choices[0]?.delta?.content ?? '';
  }
  assert.equal(streamed, `echo: ${prompt.slice(0, 500)}`);
});
