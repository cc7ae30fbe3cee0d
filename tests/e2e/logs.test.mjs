// What bastion writes down: its log (stderr) carries access-log lines with request ids but no
// prompt or completion text and no credentials, whatever path a request takes; /metrics
// exposes Prometheus text whose label values come from configuration, never from clients.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { chatBody, makeTempDir, postJson, request, runBastion, startBastion, startUpstream, waitFor } from './lib/harness.mjs';

const PROMPT = 'PROMPT-MARKER-1234';
const CLIENT_SECRET = 'sk-client-MARKER-5522';
const UPSTREAM_SECRET = 'upstream-key-MARKER-9911';
const MODEL_MARKER = 'MODEL-MARKER-77';
const PATH_MARKER = 'PATH-MARKER-31';
const QUERY_MARKER = 'QUERY-MARKER-42';
// Texts only the upstream produces, i.e. completion text.
const COMPLETION_TEXTS = ['The answer is 4', 'The user wants', 'fixture failure', 'bad upstream key', `echo: ${PROMPT}`];
const FORBIDDEN = [PROMPT, CLIENT_SECRET, UPSTREAM_SECRET, MODEL_MARKER, PATH_MARKER, QUERY_MARKER, ...COMPLETION_TEXTS];

let keyed;
let unkeyed;

before(async () => {
  [keyed, unkeyed] = await Promise.all([
    startUpstream(null, { name: 'keyed', apiKey: UPSTREAM_SECRET }),
    startUpstream(null, { name: 'wrongkey', apiKey: 'some-other-key' }),
  ]);
});

// Runs a variety of requests (successes and failures of every kind) that carry the markers.
async function exercise(bastion) {
  const client = new OpenAI({ baseURL: bastion.baseURL, apiKey: CLIENT_SECRET, maxRetries: 0 });
  const ids = [];
  const keep = (response) => ids.push(response.headers.get('x-request-id'));
  const secretHeaders = { 'x-api-key': CLIENT_SECRET, 'api-key': CLIENT_SECRET, cookie: `s=${CLIENT_SECRET}` };

  let r = await client.chat.completions.create(chatBody('m', `${PROMPT} hello`), { headers: secretHeaders }).withResponse();
  assert.equal(r.data.choices[0].message.content, `echo: ${PROMPT} hello`);
  keep(r.response);
  r = await client.chat.completions.create(chatBody('m', `${PROMPT} streamed`, { stream: true })).withResponse();
  for await (const _ of r.data) { /* drain */ }
  keep(r.response);
  r = await client.chat.completions.create(chatBody('deepseek-r1', 'think')).withResponse();
  assert.equal(r.data.choices[0].message.content, 'The answer is 4.');
  keep(r.response);
  r = await client.chat.completions.create(chatBody('m', 'whoami')).withResponse();
  assert.match(r.data.choices[0].message.content, new RegExp(UPSTREAM_SECRET));
  keep(r.response);
  r = await client.completions.create({ model: 'm', prompt: `${PROMPT} legacy` }).withResponse();
  keep(r.response);
  r = await client.chat.completions.create(chatBody('m', 'visible id'), { headers: { 'X-Request-Id': 'logs-test-visible-id' } }).withResponse();
  keep(r.response);

  const failures = [
    () => postJson(bastion.port, '/v1/chat/completions', `{"model": "m", "messages": [{"role": "user", "content": "${PROMPT}"`),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody('m', PROMPT, { temperature: 9 })),
    () => postJson(bastion.port, '/v1/chat/completions', { model: 'm', messages: [{ role: PROMPT, content: PROMPT }] }),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody(MODEL_MARKER, PROMPT)),
    () => postJson(bastion.port, `/v1/${PATH_MARKER}?key=${QUERY_MARKER}`, chatBody('m', PROMPT)),
    () => postJson(bastion.port, `/v1/chat/completions?api_key=${QUERY_MARKER}`, chatBody('m', `${PROMPT} query`)),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'fail:500')),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'fail:400')),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'die', { stream: true })),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody('wrong-key', PROMPT)),
    () => postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'x'.repeat(2 << 20) + PROMPT)),
  ];
  for (const f of failures) {
    const res = await f();
    if (res.headers['x-request-id']) ids.push(res.headers['x-request-id']);
  }
  return ids;
}

function bastionOptions() {
  return {
    env: { LOGS_TEST_UPSTREAM_KEY: UPSTREAM_SECRET, LOGS_TEST_OTHER_KEY: 'not-the-right-key' },
    config: {
      // "whoami" answers with the upstream's credential, which the output guard rightly
      // blocks; this test checks the logs, so answers pass unguarded.
      guard: { scan_output: false },
      models: [
        { name: 'm', upstreams: [{ url: keyed.url, api_key_env: 'LOGS_TEST_UPSTREAM_KEY' }] },
        { name: 'deepseek-r1', upstreams: [{ url: keyed.url, api_key_env: 'LOGS_TEST_UPSTREAM_KEY' }] },
        { name: 'wrong-key', upstreams: [{ url: unkeyed.url, api_key_env: 'LOGS_TEST_OTHER_KEY' }] },
      ],
    },
  };
}

function accessLine(stderr, id) {
  return stderr.split('\n').find((l) => l.includes(`request id=${id} `));
}

for (const level of ['info', 'trace']) {
  describe(`logs at --log-level ${level}`, () => {
    let bastion;
    let ids;
    before(async () => {
      bastion = await startBastion(null, {
        args: ['--log-level', level],
        ...bastionOptions(),
      });
      ids = await exercise(bastion);
      // The access log line is written when the exchange completes.
      await waitFor(() => ids.every((id) => accessLine(bastion.stderr(), id)), { timeoutMs: 3000, what: 'access log lines' });
      await bastion.stop();
    });

    test('no prompt text, completion text, client key or upstream key in the log', () => {
      const log = bastion.stderr();
      for (const s of FORBIDDEN) assert.ok(!log.includes(s), `log contains ${JSON.stringify(s)}:\n${log}`);
      assert.ok(!log.includes('Bearer'), 'no Authorization values');
    });

    test('an access-log line per request, with its request id and outcome', () => {
      const log = bastion.stderr();
      assert.ok(ids.length >= 15, `collected ${ids.length} request ids`);
      for (const id of ids) {
        const line = accessLine(log, id);
        assert.ok(line, `no access log line for ${id}`);
        assert.match(line, / method=[A-Z]+ route=\S+ status=\d{3} model=\S+ upstream=\S+ attempts=\d+ duration_ms=[\d.]+/);
      }
      assert.match(accessLine(log, 'logs-test-visible-id'), /route=\/v1\/chat\/completions status=200 model=m /);
      assert.match(log, /route=unmatched status=404 model=- /);
      assert.match(log, /status=400 model=- .*error=invalid_json/);
      assert.match(log, /status=404 model=- .*error=model_not_found/);
      assert.match(log, /status=502 model=m .*error=upstream_error/);
      assert.match(log, /status=502 model=wrong-key .*error=upstream_auth_failed/);
    });

    test('bastion logs that it started and stopped', () => {
      assert.match(bastion.stderr(), /listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.match(bastion.stderr(), /bastion stopped/);
      assert.match(bastion.stderr(), /AUTHENTICATION IS OFF/);
    });
  });
}

describe('/metrics', () => {
  let bastion;
  let text;
  let res;
  before(async () => {
    bastion = await startBastion(null, bastionOptions());
    await exercise(bastion);
    for (let i = 0; i < 3; i++) await postJson(bastion.port, '/v1/chat/completions', chatBody('m', `count ${i}`));
    res = await request({ port: bastion.port, path: '/metrics' });
    text = res.body;
  });

  function samples(name) {
    const out = [];
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const labels = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      out.push({ labels, value: Number(m[3]) });
    }
    return out;
  }

  test('Prometheus text format', () => {
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    for (const line of text.split('\n').filter(Boolean)) {
      assert.match(line, /^(# (HELP|TYPE) \S+ .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+)$/, `bad line: ${line}`);
    }
    assert.match(text, /^# TYPE bastion_requests_total counter$/m);
    assert.match(text, /^bastion_build_info\{version="[^"]+"\} 1$/m);
  });

  test('bastion_requests_total by route, model and status', () => {
    const reqs = samples('bastion_requests_total');
    const ok = reqs.find((s) => s.labels.route === '/v1/chat/completions' && s.labels.model === 'm' && s.labels.status === '200');
    assert.ok(ok, `no 200 sample in:\n${text}`);
    assert.ok(ok.value >= 5, `count ${ok.value}`);
    assert.ok(reqs.some((s) => s.labels.status === '400' && s.labels.model === '-'));
    assert.ok(reqs.some((s) => s.labels.status === '404' && s.labels.route === 'unmatched'));
    assert.ok(reqs.some((s) => s.labels.status === '502' && s.labels.model === 'm'));
    assert.ok(reqs.some((s) => s.labels.route === '/v1/completions' && s.labels.status === '200'));
  });

  test('bastion_upstream_healthy per model and upstream', () => {
    const healthy = samples('bastion_upstream_healthy')
      .sort((a, b) => a.labels.model.localeCompare(b.labels.model));
    assert.deepEqual(healthy, [
      { labels: { model: 'deepseek-r1', upstream: keyed.url }, value: 1 },
      { labels: { model: 'm', upstream: keyed.url }, value: 1 },
      { labels: { model: 'wrong-key', upstream: unkeyed.url }, value: 1 },
    ]);
    assert.ok(samples('bastion_request_duration_seconds_count').length > 0);
    assert.ok(samples('bastion_time_to_first_byte_seconds_bucket').length > 0);
  });

  test('no client-chosen strings become label values; no secrets', () => {
    for (const s of FORBIDDEN) assert.ok(!text.includes(s), `metrics contain ${s}`);
    const routes = new Set(samples('bastion_requests_total').map((s) => s.labels.route));
    for (const route of routes) {
      assert.ok(['/v1/chat/completions', '/v1/completions', '/v1/models', '/metrics', '/healthz', '/readyz', 'unmatched'].includes(route), route);
    }
    const models = new Set(samples('bastion_requests_total').map((s) => s.labels.model));
    assert.deepEqual([...models].sort(), ['-', 'deepseek-r1', 'm', 'wrong-key']);
  });
});

test('a credential in an upstream URL is refused without being echoed', async (t) => {
  const dir = makeTempDir(t);
  const res = await runBastion(['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--data-dir', dir,
    '--upstream', `m=http://user:${UPSTREAM_SECRET}@127.0.0.1:9/v1`]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /credentials in URLs are not allowed/);
  assert.ok(!res.stderr.includes(UPSTREAM_SECRET), res.stderr);
});
