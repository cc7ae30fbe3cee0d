// Client errors: bastion answers each with the right status and an OpenAI-style error body
// ({"error":{"message","type","param","code"}}), the openai client maps them to its error
// classes, and the server keeps serving afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  chatBody, parseHttpHead, postJson, rawExchange, request, startBastion, startUpstream,
} from './lib/harness.mjs';

let upstream;
let bastion;
let client;

before(async () => {
  upstream = await startUpstream(null, { name: 'errors' });
  bastion = await startBastion(null, { args: ['--upstream', `m=${upstream.url}`] });
  client = bastion.client();
});

// Every test ends by checking that a good request still succeeds.
async function assertStillServing() {
  const res = await client.chat.completions.create(chatBody('m', 'still alive?'));
  assert.equal(res.choices[0].message.content, 'echo: still alive?');
}

function assertErrorShape(json, { type, code, param = null }) {
  assert.ok(json && typeof json === 'object', 'error body is JSON');
  assert.deepEqual(Object.keys(json), ['error']);
  assert.deepEqual(Object.keys(json.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(typeof json.error.message, 'string');
  assert.ok(json.error.message.length > 0);
  if (type) assert.equal(json.error.type, type);
  if (code) assert.equal(json.error.code, code);
  assert.equal(json.error.param, param);
}

describe('malformed JSON', () => {
  const broken = '{\n  "model": "m",\n  "messages": [ {"role": "user", "content": "x"} ,, ]\n}';

  test('openai client: BadRequestError 400 naming line and column', async () => {
    await assert.rejects(
      client.post('/chat/completions', { body: broken, headers: { 'Content-Type': 'application/json' } }),
      (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `got ${err.constructor.name}: ${err.message}`);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'invalid_json');
        assert.match(err.message, /line 3, column \d+/);
        return true;
      });
    await assertStillServing();
  });

  test('raw: 400 with the OpenAI error shape', async () => {
    const res = await postJson(bastion.port, '/v1/chat/completions', '{"model": "m", "messages": [');
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /^application\/json/);
    assertErrorShape(res.json, { type: 'invalid_request_error', code: 'invalid_json' });
    assert.match(res.json.error.message, /line 1, column \d+/);
    assert.match(res.headers['x-request-id'], /^req-/);
    await assertStillServing();
  });

  test('empty body, non-object body, trailing garbage, invalid UTF-8, deep nesting', async () => {
    const bodies = [
      '',
      '[1, 2, 3]',
      '{"model": "m", "messages": [{"role": "user", "content": "x"}]} trailing',
      Buffer.concat([Buffer.from('{"model": "m", "messages": [{"role": "user", "content": "'),
        Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]),
      `{"model": "m", "messages": [{"role": "user", "content": "x"}], "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      '{"model": "m", "messages": [{"role": "user", "content": "x"}], "model": "m2", "n": 1e999999}',
    ];
    for (const body of bodies) {
      const res = await request({
        port: bastion.port, method: 'POST', path: '/v1/chat/completions', body,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 400, `body ${JSON.stringify(String(body).slice(0, 60))} → ${res.status} ${res.body}`);
      assertErrorShape(res.json, { type: 'invalid_request_error' });
    }
    await assertStillServing();
  });
});

describe('invalid fields', () => {
  test('missing messages: 400 with param "messages"', async () => {
    const res = await postJson(bastion.port, '/v1/chat/completions', { model: 'm' });
    assert.equal(res.status, 400);
    assertErrorShape(res.json, { type: 'invalid_request_error', code: 'missing_required_parameter', param: 'messages' });
    await assertStillServing();
  });

  test('missing model: 400 with param "model"', async () => {
    const res = await postJson(bastion.port, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 400);
    assertErrorShape(res.json, { code: 'missing_required_parameter', param: 'model' });
  });

  test('bad temperature: BadRequestError with param "temperature"', async () => {
    for (const temperature of [5, -1, 'hot']) {
      await assert.rejects(
        client.chat.completions.create(chatBody('m', 'x', { temperature })),
        (err) => {
          assert.ok(err instanceof OpenAI.BadRequestError, `temperature ${temperature}: got ${err.constructor.name}`);
          assert.equal(err.status, 400);
          assert.equal(err.param, 'temperature');
          assert.equal(err.type, 'invalid_request_error');
          return true;
        });
    }
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'x', { temperature: 3 }));
    assertErrorShape(res.json, { type: 'invalid_request_error', code: 'invalid_value', param: 'temperature' });
    await assertStillServing();
  });

  test('other fields name themselves in param', async () => {
    const sentBefore = (await upstream.stats()).requests;
    const cases = [
      [{ model: 'm', messages: [] }, 'messages'],
      [{ model: 'm', messages: 'hi' }, 'messages'],
      [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'user' }] }, 'messages[1].content'],
      [chatBody('m', 'x', { top_p: 2 }), 'top_p'],
      [chatBody('m', 'x', { max_tokens: 0 }), 'max_tokens'],
      [chatBody('m', 'x', { max_tokens: 1.5 }), 'max_tokens'],
      [chatBody('m', 'x', { n: 0 }), 'n'],
      [chatBody('m', 'x', { stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop'],
      [chatBody('m', 'x', { stream: 'yes' }), 'stream'],
      [chatBody('m', 'x', { stream_options: { include_usage: true } }), 'stream_options'],
      [{ model: 42, messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ];
    for (const [body, param] of cases) {
      const res = await postJson(bastion.port, '/v1/chat/completions', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      assert.equal(res.json?.error?.param, param, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(res.json.error.type, 'invalid_request_error');
    }
    const prompt = await postJson(bastion.port, '/v1/completions', { model: 'm' });
    assert.equal(prompt.status, 400);
    assert.equal(prompt.json.error.param, 'prompt');
    assert.equal((await upstream.stats()).requests, sentBefore, 'invalid requests never reach the upstream');
    await assertStillServing();
  });
});

describe('upstream verdicts on the request', () => {
  test('an upstream 4xx is relayed as is, for streaming requests too', async () => {
    for (const stream of [false, true]) {
      const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'fail:422', { stream }));
      assert.equal(res.status, 422, `stream=${stream}`);
      assert.match(res.headers['content-type'], /^application\/json/);
      assert.deepEqual(res.json, { error: { message: 'fixture failure 422', type: 'fixture', code: 'fixture' } });
      await assert.rejects(client.chat.completions.create(chatBody('m', 'fail:400', { stream })), (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `stream=${stream}: ${err.constructor.name}`);
        assert.equal(err.message, '400 fixture failure 400');
        return true;
      });
    }
    await assertStillServing();
  });
});

describe('not found and method not allowed', () => {
  test('unknown model: NotFoundError 404 model_not_found', async () => {
    const before = (await upstream.stats()).requests;
    await assert.rejects(client.chat.completions.create(chatBody('no-such-model', 'x')), (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `got ${err.constructor.name}`);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'model_not_found');
      assert.match(err.message, /no-such-model/);
      return true;
    });
    const res = await postJson(bastion.port, '/v1/completions', { model: 'no-such-model', prompt: 'x' });
    assert.equal(res.status, 404);
    assertErrorShape(res.json, { code: 'model_not_found' });
    assert.equal((await upstream.stats()).requests, before, 'nothing was sent upstream');
    await assertStillServing();
  });

  test('unknown route: 404', async () => {
    for (const [method, path] of [['GET', '/v1/nope'], ['POST', '/v1/embeddings'], ['GET', '/']]) {
      const res = await request({ port: bastion.port, method, path });
      assert.equal(res.status, 404, `${method} ${path}`);
      assertErrorShape(res.json, { code: 'unknown_route' });
    }
    await assert.rejects(client.embeddings.create({ model: 'm', input: 'x' }), OpenAI.NotFoundError);
    await assertStillServing();
  });

  test('wrong method: 405', async () => {
    for (const [method, path] of [['GET', '/v1/chat/completions'], ['DELETE', '/v1/models'], ['POST', '/healthz']]) {
      const res = await request({ port: bastion.port, method, path });
      assert.equal(res.status, 405, `${method} ${path}`);
      assertErrorShape(res.json, { type: 'invalid_request_error', code: 'method_not_allowed' });
    }
    await assertStillServing();
  });

  test('405 responses carry an Allow header (RFC 9110 §15.5.6)', async () => {
    const res = await request({ port: bastion.port, method: 'GET', path: '/v1/chat/completions' });
    assert.equal(res.status, 405);
    assert.match(res.headers.allow ?? '', /POST/);
  });

  test('a response to HEAD carries no body (RFC 9110 §9.3.2)', async () => {
    const res = await rawExchange(bastion.port,
      'HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      { timeoutMs: 3000 });
    const first = parseHttpHead(res.data);
    assert.ok(first, res.data);
    assert.match(first.body, /^HTTP\/1\.1 200 OK\r\n/, 'the next bytes after the HEAD response head must be the next response');
  });
});

describe('size limits', () => {
  test('a 2 MiB body (default limit 1 MiB): 413', async () => {
    const big = JSON.stringify(chatBody('m', 'x'.repeat(2 << 20)));
    const res = await postJson(bastion.port, '/v1/chat/completions', big);
    assert.equal(res.status, 413);
    assertErrorShape(res.json, { type: 'invalid_request_error', code: 'request_too_large' });
    await assertStillServing();
  });

  test('a 2 MiB chunked body (no Content-Length): 413', async () => {
    const res = await new Promise((resolve, reject) => {
      import('node:http').then(({ default: http }) => {
        const req = http.request({
          host: '127.0.0.1', port: bastion.port, method: 'POST', path: '/v1/chat/completions', agent: false,
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        }, (r) => {
          let body = '';
          r.setEncoding('utf8');
          r.on('data', (d) => { body += d; });
          r.on('end', () => resolve({ status: r.statusCode, body }));
        });
        req.on('error', reject);
        const piece = 'x'.repeat(64 << 10);
        req.write(`{"model":"m","messages":[{"role":"user","content":"`);
        for (let i = 0; i < 32; i++) req.write(piece);
        req.end('"}]}');
      });
    });
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body).error.code, 'request_too_large');
    await assertStillServing();
  });

  test('the openai client gets an APIError 413 for an oversized prompt', async () => {
    await assert.rejects(client.chat.completions.create(chatBody('m', 'y'.repeat(2 << 20))), (err) => {
      assert.ok(err instanceof OpenAI.APIError, `got ${err.constructor.name}: ${err.message}`);
      assert.equal(err.status, 413);
      return true;
    });
    await assertStillServing();
  });

  test('Expect: 100-continue: "100 Continue" for a body within the limit, 413 at once for one over it', async () => {
    const body = JSON.stringify(chatBody('m', 'expect me'));
    const ok = await rawExchange(bastion.port, [
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n`
        + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body], { gapMs: 200, timeoutMs: 4000 });
    assert.match(ok.data, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.match(ok.data, /echo: expect me/);

    const big = await rawExchange(bastion.port,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n'
        + 'Content-Length: 3000000\r\n\r\n', { timeoutMs: 4000 });
    assert.match(big.data, /^HTTP\/1\.1 413 /, 'no 100 Continue before the 413');
    assert.ok(big.closed);
    assert.ok(big.elapsedMs < 3000, `answered after ${big.elapsedMs}ms, without waiting for the body`);
    await assertStillServing();
  });

  test('headers over the limit (default 16 KiB): 431', async () => {
    const res = await request({
      port: bastion.port, method: 'GET', path: '/v1/models', headers: { 'x-big': 'a'.repeat(20 << 10) },
    });
    assert.equal(res.status, 431);
    assertErrorShape(res.json, { code: 'headers_too_large' });
    await assertStillServing();
  });

  test('many small headers far over the limit: 431', async () => {
    const headers = {};
    for (let i = 0; i < 700; i++) headers[`x-h${i}`] = 'v'.repeat(50);  // ~42 KB
    const res = await request({ port: bastion.port, method: 'GET', path: '/healthz', headers });
    assert.equal(res.status, 431);
    await assertStillServing();
  });

  test('a 20 KB head (limit 16 KiB) sent in one write is refused', async () => {
    let head = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n';
    for (let i = 0; head.length < 20000; i++) head += `x-h${i}: ${'v'.repeat(50)}\r\n`;
    const res = await rawExchange(bastion.port, `${head}\r\n`, { timeoutMs: 4000 });
    assert.equal(parseHttpHead(res.data)?.status, 431, res.data.split('\r\n')[0]);
  });
});

describe('configured limits', () => {
  let small;
  before(async () => {
    small = await startBastion(null, {
      config: {
        server: { max_body_bytes: 4096, max_header_bytes: 2048 },
        models: [{ name: 'm', upstreams: [upstream.url] }],
      },
    });
  });
  after(() => small.stop());

  test('server.max_body_bytes and server.max_header_bytes are honoured', async () => {
    const ok = await postJson(small.port, '/v1/chat/completions', chatBody('m', 'z'.repeat(3000)));
    assert.equal(ok.status, 200);
    const tooBig = await postJson(small.port, '/v1/chat/completions', chatBody('m', 'z'.repeat(5000)));
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.json.error.message, /max_body_bytes/);
    const headers = await request({ port: small.port, path: '/healthz', headers: { 'x-big': 'b'.repeat(3000) } });
    assert.equal(headers.status, 431);
    const fine = await request({ port: small.port, path: '/healthz', headers: { 'x-ok': 'b'.repeat(1000) } });
    assert.equal(fine.status, 200);
  });
});

describe('invalid HTTP on a raw socket', () => {
  const garbage = [
    ['binary garbage', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x01, 0x02, 0x0d, 0x0a, 0x0d, 0x0a])],
    ['a request line with no version', 'GET /v1/models\r\n\r\n'],
    ['a header line without a colon', 'GET /v1/models HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n'],
    ['a bad Content-Length', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
    ['two conflicting Content-Lengths', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'],
    ['a bad chunk size', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ];
  for (const [what, bytes] of garbage) {
    test(`${what}: 400 and the connection closes`, async () => {
      const res = await rawExchange(bastion.port, bytes, { timeoutMs: 4000 });
      const head = parseHttpHead(res.data);
      assert.ok(head, `no HTTP response to ${what}: ${JSON.stringify(res.data)}`);
      assert.equal(head.status, 400, res.data);
      assert.equal(JSON.parse(head.body).error.code, 'malformed_http');
      assert.ok(res.closed, 'the server closes the connection after a malformed request');
      await assertStillServing();
    });
  }

  test('Content-Length together with Transfer-Encoding: 400 and close', async () => {
    const body = JSON.stringify(chatBody('m', 'x'));
    const res = await rawExchange(bastion.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length + 40}\r\nTransfer-Encoding: chunked\r\n\r\n`
        + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n`, { timeoutMs: 3000 });
    assert.deepEqual([...res.data.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]), ['400']);
    assert.ok(res.closed);
  });

  for (const te of ['gzip', 'chunked, gzip']) {
    test(`Transfer-Encoding "${te}" (chunked not last): 400 and close, nothing smuggled (RFC 9112 §6.3)`, async () => {
      const smuggled = 'GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled-request-1\r\nConnection: close\r\n\r\n';
      const res = await rawExchange(bastion.port,
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n${smuggled}`,
        { timeoutMs: 3000 });
      const statuses = [...res.data.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
      assert.ok(!res.data.includes('smuggled-request-1'), `the body was served as a request: ${JSON.stringify(res.data)}`);
      assert.deepEqual(statuses, ['400']);
      assert.ok(res.closed);
    });
  }

  test('an HTTP/1.1 request without Host, or with two, gets 400 (RFC 9112 §3.2)', async () => {
    for (const hosts of ['', 'Host: a\r\nHost: b\r\n']) {
      const res = await rawExchange(bastion.port, `GET /healthz HTTP/1.1\r\n${hosts}Connection: close\r\n\r\n`, { timeoutMs: 3000 });
      assert.equal(parseHttpHead(res.data)?.status, 400, `${JSON.stringify(hosts)}: ${res.data.split('\r\n')[0]}`);
    }
  });

  test('pipelined requests on one connection are answered in order', async () => {
    const req = (path, id) => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${id}\r\n\r\n`;
    const res = await rawExchange(bastion.port,
      req('/healthz', 'pipe-1') + req('/v1/models', 'pipe-2') +
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-3\r\nConnection: close\r\n\r\n',
      { timeoutMs: 4000 });
    const ids = [...res.data.matchAll(/X-Request-Id: (\S+)/gi)].map((m) => m[1]);
    assert.deepEqual(ids, ['pipe-1', 'pipe-2', 'pipe-3']);
    assert.equal([...res.data.matchAll(/HTTP\/1\.1 200 OK\r\n/g)].length, 3);
    assert.ok(res.closed);
  });

  test('an HTTP/1.0 request is answered and the connection closed', async () => {
    const res = await rawExchange(bastion.port, 'GET /healthz HTTP/1.0\r\n\r\n', { timeoutMs: 4000 });
    const head = parseHttpHead(res.data);
    assert.equal(head.status, 200);
    assert.ok(res.closed);
    await assertStillServing();
  });
});
