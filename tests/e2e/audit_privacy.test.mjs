// The audit trail keeps no text: requests carry canaries (a GitHub-token-shaped secret, an
// e-mail address, a phone number, plain words, bad API keys) down every path a request can
// take (answered whole and streamed, blocked by the guard, failed upstream, abandoned by the
// client, malformed, unauthenticated). Afterwards no canary, in any encoding, is in anything
// the server wrote: its data directory (audit.db and its -wal/-shm, keys.db, key files), its
// temporary directory, its stdout and stderr, nor what `bastion audit export` prints. Yet the
// trail has exactly one event per request, with the right outcome, and verifies.
// Under content = "encrypted" the same holds for the server's files, and the auditor's secret
// key (kept off the server) opens the prompts and answers again. Under content = "redacted"
// the words are kept, the PII and secrets are not.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import OpenAI from 'openai';

import {
  buildConfig, collectStream, createKey, makeTempDir, postJson, runBastion, startBastion,
  startUpstream, waitFor,
} from './lib/harness.mjs';

const CLI_TIMEOUT = 20000;

function randomAlnum(n) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}

function randomDigits(n) {
  return Array.from(crypto.randomBytes(n), (b) => String(b % 10)).join('');
}

// Fresh canaries for one run. `words` are plain words, one per request path, so a leak names
// the path it came from.
function makeCanaries() {
  const tag = randomAlnum(10).toLowerCase();
  const [a, b] = [randomDigits(3), randomDigits(4)];
  const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
  const keyId = Array.from(crypto.randomBytes(12), (x) => base32[x % 32]).join('');
  const keySecret = crypto.randomBytes(32).toString('hex');
  const words = {};
  for (const path of ['whole', 'stream', 'block', 'fail', 'abandon', 'badjson', 'auth', 'authkey', 'oversize']) {
    words[path] = `zebracanary${tag}${path}`;
  }
  return {
    tag,
    words,
    secret: `ghp_${randomAlnum(36)}`,
    email: `canary.${tag}@example.com`,
    phone: `+1 415 ${a} ${b}`,
    phoneDigits: `1415${a}${b}`,
    badKey: `sk-canary-${randomAlnum(32)}`,
    // A credential in bastion's own key format: its id may be named, its secret never.
    bstKey: `bst_${keyId}_${keySecret}`,
    bstSecret: keySecret,
  };
}

function forbiddenStrings(c) {
  return [...Object.values(c.words), c.secret, c.email, c.phone, c.phoneDigits, c.badKey, c.bstSecret];
}

// The byte sequences a canary could be stored as: UTF-8, UTF-16LE, hex, and base64 (and
// base64url) at each of the three alignments.
function encodings(text) {
  const utf8 = Buffer.from(text, 'utf8');
  const forms = [
    ['utf8', utf8], ['utf16le', Buffer.from(text, 'utf16le')],
    ['hex', Buffer.from(utf8.toString('hex'))], ['HEX', Buffer.from(utf8.toString('hex').toUpperCase())],
  ];
  for (let skip = 0; skip < 3; skip++) {
    let part = utf8.subarray(skip);
    part = part.subarray(0, part.length - (part.length % 3));
    forms.push([`base64+${skip}`, Buffer.from(part.toString('base64'))]);
    forms.push([`base64url+${skip}`, Buffer.from(part.toString('base64url'))]);
  }
  return forms;
}

function filesUnder(root) {
  const out = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

// Every (source, canary, encoding) found: `sources` are directories (scanned recursively)
// and { name, text } blobs.
function findLeaks(sources, canaries) {
  const blobs = [];
  for (const s of sources) {
    if (typeof s !== 'string') {
      blobs.push([s.name, Buffer.from(s.text)]);
      continue;
    }
    for (const file of filesUnder(s)) {
      try {
        blobs.push([file, fs.readFileSync(file)]);
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;  // e.g. a -wal removed while scanning
      }
    }
  }
  const leaks = [];
  const needles = canaries.flatMap((c) => encodings(c).map(([form, bytes]) => ({ c, form, bytes })));
  for (const [name, bytes] of blobs) {
    for (const n of needles) {
      if (bytes.includes(n.bytes)) leaks.push(`${n.c} (${n.form}) in ${name}`);
    }
  }
  return leaks;
}

async function cli(args) {
  const res = await runBastion(['audit', ...args], { timeoutMs: CLI_TIMEOUT });
  assert.ok(!res.timedOut, `bastion audit ${args.join(' ')} timed out`);
  return res;
}

// The request events of the trail, by request id, and the raw export text.
async function exportTrail(dataDir, extra = []) {
  const res = await cli(['export', '--data-dir', dataDir, '--format', 'jsonl', ...extra]);
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { lines, text: res.stdout, requests: lines.filter((e) => e.kind === 'request') };
}

// A gateway with authentication on, a user key, a model "m" and a model "m-fail" (the same
// fixture, so that failures do not mark m's upstream unhealthy), and TMPDIR of its own.
// Everything the server may write is under `root`; `outside` holds what it must not see.
async function gateway(t, auditToml = '') {
  const upstream = await startUpstream(t);
  const root = makeTempDir(t, 'bastion-e2e-audit-');
  const dataDir = path.join(root, 'data');
  const tmpDir = path.join(root, 'tmp');
  fs.mkdirSync(tmpDir);
  const key = await createKey(dataDir, 'user');
  const config = buildConfig({
    models: [{ name: 'm', upstreams: [upstream.url] }, { name: 'm-fail', upstreams: [upstream.url] }],
  }) + `\n[audit]\n${auditToml}`;
  const bastion = await startBastion(t, { config, dataDir, noAuthFlag: true, env: { TMPDIR: tmpDir } });
  return { upstream, bastion, root, dataDir, tmpDir, key };
}

// Sends one request down each path, each with its own request id; resolves to { ids } (path
// name -> request id) once every response is in (the abandoned one: once the client left).
async function exercise({ bastion, key }, c) {
  const ids = {};
  // The oversized request is refused by the HTTP server before it has a request id.
  for (const p of Object.keys(c.words)) if (p !== 'oversize') ids[p] = `audit-${c.tag}-${p}`;
  const client = new OpenAI({ baseURL: bastion.baseURL, apiKey: key.key, maxRetries: 0, timeout: 20000 });
  const withId = (p) => ({ headers: { 'x-request-id': ids[p] } });
  const auth = { authorization: `Bearer ${key.key}` };
  const prompt = (p) => `Hello ${c.words[p]}, write to ${c.email} or call ${c.phone}.`;

  const whole = await client.chat.completions.create(
    { model: 'm', messages: [{ role: 'user', content: prompt('whole') }] }, withId('whole')).withResponse();
  assert.equal(whole.response.headers.get('x-request-id'), ids.whole);
  assert.equal(whole.data.choices[0].message.content, `echo: ${prompt('whole')}`);

  const streamed = await collectStream(await client.chat.completions.create(
    { model: 'm', stream: true, messages: [{ role: 'user', content: prompt('stream') }] }, withId('stream')));
  assert.equal(streamed.text, `echo: ${prompt('stream')}`);
  assert.equal(streamed.finish, 'stop');

  await assert.rejects(client.chat.completions.create({
    model: 'm', messages: [{ role: 'user', content: `my token is ${c.secret}, ${prompt('block')}` }],
  }, withId('block')), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.code, 'content_filter');
    assert.ok(!err.message.includes(c.secret));
    return true;
  });

  // The fixture fails on the last user message; the canaries ride in the history before it.
  const history = (p, last) => [
    { role: 'user', content: prompt(p) }, { role: 'assistant', content: 'noted' },
    { role: 'user', content: last },
  ];
  const failed = await postJson(bastion.port, '/v1/chat/completions',
    { model: 'm-fail', messages: history('fail', 'fail:500') }, { headers: { ...auth, ...withId('fail').headers } });
  assert.equal(failed.status, 502, failed.body);

  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'm', stream: true, messages: history('abandon', 'pace:200:20') },
    { ...withId('abandon'), signal: controller.signal });
  let chunks = 0;
  try {
    for await (const _ of stream) if (++chunks === 3) controller.abort();
  } catch (err) {
    if (!(err instanceof OpenAI.APIUserAbortError || err.name === 'AbortError')) throw err;
  }
  assert.ok(chunks >= 3 && chunks < 100, `read ${chunks} chunks`);

  const truncated = `{"model":"m","messages":[{"role":"user","content":"${prompt('badjson')} ${c.secret}"}`;
  const bad = await postJson(bastion.port, '/v1/chat/completions', truncated,
    { headers: { ...auth, ...withId('badjson').headers } });
  assert.equal(bad.status, 400, bad.body);

  for (const [p, credential] of [['auth', c.badKey], ['authkey', c.bstKey]]) {
    const res = await postJson(bastion.port, '/v1/chat/completions',
      { model: 'm', messages: [{ role: 'user', content: `${prompt(p)} ${c.secret}` }] },
      { headers: { authorization: `Bearer ${credential}`, ...withId(p).headers } });
    assert.equal(res.status, 401, res.body);
    assert.equal(res.headers['x-request-id'], ids[p]);
  }

  // Larger than server.max_body_bytes (1 MiB): the HTTP server refuses it before routing.
  const huge = await postJson(bastion.port, '/v1/chat/completions',
    JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `${prompt('oversize')} ${c.secret} ${'x'.repeat(1 << 20)}` }] }),
    { headers: auth });
  assert.equal(huge.status, 413, huge.body);
  return { ids };
}

// One event per request, each with the outcome its path must have; resolves to the events by
// path name.
async function assertOneEventPerRequest(gw, ids) {
  // The abandoned request's event is written when the server notices the client left.
  const trail = await waitFor(async () => {
    const t = await exportTrail(gw.dataDir);
    return t.requests.some((e) => e.request_id === ids.abandon) && t;
  }, { timeoutMs: 8000, intervalMs: 200, what: 'the abandoned request\'s event' });
  const counts = {};
  for (const e of trail.requests) if (e.request_id) counts[e.request_id] = (counts[e.request_id] ?? 0) + 1;
  // The request the HTTP server refused is recorded without an id, with the server's reason.
  const refused = trail.requests.filter((e) => !e.request_id);
  assert.equal(refused.length, 1, JSON.stringify(refused));
  assert.equal(refused[0].status, 413);
  assert.equal(refused[0].outcome, 'rejected');
  assert.equal(refused[0].error, 'request_rejected');
  assert.match(refused[0].reason, /max_body_bytes/);
  assert.deepEqual(counts, Object.fromEntries(Object.values(ids).map((id) => [id, 1])),
    'exactly one event per request, and none for anything else');
  const byPath = {};
  for (const [p, id] of Object.entries(ids)) byPath[p] = trail.requests.find((e) => e.request_id === id);
  const expect = {
    whole: ['completed', 200], stream: ['completed', 200], block: ['rejected', 400], fail: ['failed', 502],
    abandon: ['abandoned', null], badjson: ['rejected', 400], auth: ['rejected', 401], authkey: ['rejected', 401],
  };
  for (const [p, [outcome, status]] of Object.entries(expect)) {
    assert.equal(byPath[p].outcome, outcome, `${p}: ${JSON.stringify(byPath[p])}`);
    if (status !== null) assert.equal(byPath[p].status, status, `${p}: ${JSON.stringify(byPath[p])}`);
  }
  const subject = `key:${gw.key.id}`;
  for (const p of ['whole', 'stream', 'block', 'fail', 'abandon', 'badjson']) {
    assert.equal(byPath[p].subject, subject, `${p}: ${JSON.stringify(byPath[p])}`);
    assert.equal(byPath[p].role, 'user');
  }
  for (const p of ['auth', 'authkey']) {
    assert.equal(byPath[p].subject, undefined, JSON.stringify(byPath[p]));
    assert.ok(byPath[p].auth_failure, `no auth_failure: ${JSON.stringify(byPath[p])}`);
  }
  assert.equal(byPath.whole.stream, false);
  assert.equal(byPath.stream.stream, true);
  assert.equal(byPath.whole.model, 'm');
  assert.equal(byPath.fail.model, 'm-fail');
  for (const p of ['whole', 'stream']) {
    assert.match(byPath[p].prompt_digest ?? '', /\S{16,}/, `${p}: no prompt digest`);
    assert.match(byPath[p].completion_digest ?? '', /\S{16,}/, `${p}: no completion digest`);
    assert.notEqual(byPath[p].prompt_digest, byPath[p].completion_digest);
  }
  assert.ok(byPath.block.guard?.some((g) => g.side === 'input' && g.category === 'secret' && g.action === 'block'),
    `no input secret block in ${JSON.stringify(byPath.block.guard)}`);
  return { byPath, trail };
}

async function assertVerifies(dataDir) {
  const res = await cli(['verify', '--data-dir', dataDir, '--json']);
  assert.equal(res.code, 0, `verify: ${res.stdout}${res.stderr}`);
  const report = JSON.parse(res.stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(report.problems, []);
  return { report, text: res.stdout + res.stderr };
}

describe('content = "none": no canary anywhere', () => {
  test('every request path: one event each, no text in the server\'s files or logs', async (t) => {
    const c = makeCanaries();
    const canaries = forbiddenStrings(c);

    // The scan finds what it looks for, in every encoding it checks.
    const control = makeTempDir(t, 'bastion-e2e-control-');
    fs.writeFileSync(path.join(control, 'a'), Buffer.concat([Buffer.from('x'), Buffer.from(Buffer.from(c.words.whole).toString('base64'))]));
    fs.writeFileSync(path.join(control, 'b'), Buffer.from(c.email, 'utf16le'));
    const found = findLeaks([control], [c.words.whole, c.email]);
    for (const s of [c.words.whole, c.email]) assert.ok(found.some((l) => l.startsWith(s)), `the scan missed ${s}`);

    const gw = await gateway(t);
    const { ids } = await exercise(gw, c);
    const { trail } = await assertOneEventPerRequest(gw, ids);
    for (const e of trail.requests) {
      assert.equal(e.content, 'none', JSON.stringify(e));
      assert.equal(e.content_sha256, undefined, JSON.stringify(e));
    }
    const withContent = await exportTrail(gw.dataDir, ['--content']);
    assert.ok(withContent.lines.every((e) => e.content_data === undefined), 'content stored under "none"');
    const verified = await assertVerifies(gw.dataDir);

    const files = filesUnder(gw.dataDir).map((f) => path.basename(f));
    for (const f of ['audit.db', 'keys.db']) assert.ok(files.includes(f), `no ${f} in ${files}`);
    const running = findLeaks([gw.root, gw.bastion.dir,
      { name: 'stderr', text: gw.bastion.stderr() }, { name: 'stdout', text: gw.bastion.stdout() },
      { name: 'audit export', text: trail.text }, { name: 'audit export --content', text: withContent.text },
      { name: 'audit verify', text: verified.text }], canaries);
    assert.deepEqual(running, [], 'canaries while the server runs');

    const stopped = await gw.bastion.stop();
    assert.equal(stopped.code, 0, gw.bastion.stderr());
    const after = findLeaks([gw.root, gw.bastion.dir,
      { name: 'stderr', text: gw.bastion.stderr() }, { name: 'stdout', text: gw.bastion.stdout() }], canaries);
    assert.deepEqual(after, [], 'canaries after the server stopped');
    await assertVerifies(gw.dataDir);
  });
});

describe('content = "encrypted": sealed to the auditor, no canary on the server', () => {
  test('the server\'s files hold no canary; the auditor\'s key opens the content', async (t) => {
    const c = makeCanaries();
    const canaries = forbiddenStrings(c);
    // The auditor's key pair lives off the server: outside its directories, never scanned.
    const auditor = makeTempDir(t, 'bastion-e2e-auditor-');
    const prefix = path.join(auditor, 'auditor');
    const made = await cli(['keygen', '--out', prefix]);
    assert.equal(made.code, 0, made.stderr);
    for (const f of ['auditor.pub', 'auditor.key']) assert.ok(fs.existsSync(path.join(auditor, f)), f);

    const gw = await gateway(t, `content = "encrypted"\nauditor_public_key_file = ${JSON.stringify(`${prefix}.pub`)}\n`);
    const { ids } = await exercise(gw, c);
    const { byPath, trail } = await assertOneEventPerRequest(gw, ids);
    for (const p of ['whole', 'stream', 'block']) {
      assert.equal(byPath[p].content, 'encrypted', JSON.stringify(byPath[p]));
      assert.match(byPath[p].content_sha256 ?? '', /^[0-9a-f]{64}$/, JSON.stringify(byPath[p]));
    }
    const exported = await exportTrail(gw.dataDir, ['--content']);
    const sealed = exported.lines.filter((e) => e.content_data !== undefined);
    assert.ok(sealed.length >= 3, `${sealed.length} events with content`);
    for (const e of sealed) assert.match(e.content_data, /^sealed:/, JSON.stringify(e));
    await assertVerifies(gw.dataDir);

    const stopped = await gw.bastion.stop();
    assert.equal(stopped.code, 0, gw.bastion.stderr());
    const leaks = findLeaks([gw.root, gw.bastion.dir,
      { name: 'stderr', text: gw.bastion.stderr() }, { name: 'stdout', text: gw.bastion.stdout() },
      { name: 'audit export', text: trail.text }, { name: 'audit export --content', text: exported.text }],
    canaries);
    assert.deepEqual(leaks, [], 'canaries on the server');

    // The auditor opens the trail in place, and an exported file.
    const opened = await cli(['decrypt', '--secret-key', `${prefix}.key`, '--data-dir', gw.dataDir]);
    assert.equal(opened.code, 0, opened.stderr);
    const exportFile = path.join(auditor, 'export.jsonl');
    fs.writeFileSync(exportFile, exported.text);
    const fromFile = await cli(['decrypt', '--secret-key', `${prefix}.key`, exportFile]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout, opened.stdout, 'the export file opens to the same content');

    const plain = opened.stdout.split('\n').filter(Boolean).map((l) => {
      try { return JSON.parse(l); } catch { return assert.fail(`audit decrypt printed a line that is not JSON: ${l}`); }
    });
    const of = (p) => plain.find((l) => l.request_id === ids[p]);
    for (const p of ['whole', 'stream', 'block']) {
      assert.ok(of(p), `no decrypted content for ${p}: ${opened.stdout}`);
      assert.equal(of(p).seq, byPath[p].seq);
      assert.ok(of(p).prompt.includes(c.words[p]), `${p} prompt: ${JSON.stringify(of(p))}`);
    }
    for (const p of ['whole', 'stream']) {
      assert.ok(of(p).completion.includes(c.words[p]), `${p} completion: ${JSON.stringify(of(p))}`);
    }
    assert.ok(!(of('block').completion ?? '').includes(c.words.block), 'nothing was answered to the blocked request');

    // Only the auditor's key opens it, and the server never had that key.
    const auditorSecret = fs.readFileSync(`${prefix}.key`, 'utf8').trim();
    assert.deepEqual(findLeaks([gw.root, gw.bastion.dir], [auditorSecret]), [], 'the auditor\'s secret key on the server');
    const wrong = path.join(auditor, 'other');
    assert.equal((await cli(['keygen', '--out', wrong])).code, 0);
    const refused = await cli(['decrypt', '--secret-key', `${wrong}.key`, '--data-dir', gw.dataDir]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.ok(!refused.stdout.includes(c.words.whole));
  });
});

describe('content = "redacted": words kept, PII and secrets never', () => {
  test('the stored content holds placeholders where the PII and secrets were', async (t) => {
    const c = makeCanaries();
    const gw = await gateway(t, 'content = "redacted"\n');
    const { ids } = await exercise(gw, c);
    const { byPath } = await assertOneEventPerRequest(gw, ids);
    const exported = await exportTrail(gw.dataDir, ['--content']);
    const content = (p) => JSON.parse(exported.lines.find((e) => e.request_id === ids[p])?.content_data ?? 'null');
    for (const p of ['whole', 'stream', 'block']) {
      assert.equal(byPath[p].content, 'redacted', JSON.stringify(byPath[p]));
      const kept = content(p);
      assert.ok((kept?.prompt ?? '').includes(c.words[p]), `${p}: ${JSON.stringify(kept)}`);
      assert.ok(kept.prompt.includes('[EMAIL_1]'), `${p}: ${JSON.stringify(kept)}`);
    }
    assert.ok(content('whole').completion.includes(c.words.whole), JSON.stringify(content('whole')));
    await assertVerifies(gw.dataDir);

    await gw.bastion.stop();
    const pii = [c.secret, c.email, c.phone, c.phoneDigits, c.badKey, c.bstSecret];
    const leaks = findLeaks([gw.root, gw.bastion.dir,
      { name: 'stderr', text: gw.bastion.stderr() }, { name: 'stdout', text: gw.bastion.stdout() },
      { name: 'audit export --content', text: exported.text }], pii);
    assert.deepEqual(leaks, [], 'PII or secrets on the server');
  });
});
