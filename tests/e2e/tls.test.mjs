// TLS termination ([server.tls]) with a certificate made at test time, protocol version
// floors, plaintext on the TLS port, and the secure-default rule for public addresses.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import tls from 'node:tls';
import { promisify } from 'node:util';
import {
  E2E_DIR, buildConfig, chatBody, makeTempDir, postJson, rawExchange, request, runBastion, startBastion,
  startUpstream,
} from './lib/harness.mjs';

const run = promisify(execFile);

let upstream;
let certDir;
let certFile;
let keyFile;
let ca;

before(async () => {
  upstream = await startUpstream(null, { name: 'tls' });
  certDir = makeTempDir(null, 'bastion-e2e-tls-');
  certFile = path.join(certDir, 'cert.pem');
  keyFile = path.join(certDir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1',
    '-keyout', keyFile, '-out', certFile,
  ]);
  ca = fs.readFileSync(certFile);
});

const tlsConfig = (server = {}, tlsExtra = {}) => ({
  server: { ...server, tls: { cert_file: certFile, key_file: keyFile, ...tlsExtra } },
  models: [{ name: 'm', upstreams: [upstream.url] }],
});

// Connects with the given TLS options; resolves to the negotiated protocol, or the error code.
function handshake(port, options) {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: undefined, ...options });
    socket.once('secureConnect', () => {
      const protocol = socket.getProtocol();
      socket.destroy();
      resolve({ protocol });
    });
    socket.once('error', (err) => resolve({ error: err.code ?? err.message }));
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake timed out')));
  });
}

const TLS11 = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };

describe('bastion with [server.tls]', () => {
  let bastion;
  before(async () => {
    bastion = await startBastion(null, { config: tlsConfig({ header_timeout: '1s' }) });
  });

  test('logs an https:// address and serves over TLS', async () => {
    assert.equal(bastion.scheme, 'https');
    const health = await request({ port: bastion.port, path: '/healthz', tls: { ca } });
    assert.equal(health.status, 200);
    const chat = await request({
      port: bastion.port, method: 'POST', path: '/v1/chat/completions', tls: { ca },
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody('m', 'raw tls')),
    });
    assert.equal(chat.status, 200);
    assert.equal(chat.json.choices[0].message.content, 'echo: raw tls');
  });

  test('the openai client works over https (child process trusting the test CA)', async () => {
    const { stdout } = await run(process.execPath, [path.join(E2E_DIR, 'lib', 'openai-child.mjs'), bastion.baseURL, 'm'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile }, timeout: 20000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.deepEqual(result, { models: ['m'], content: 'echo: over tls', streamed: 'echo: streamed over tls' });
  });

  test('a client that does not trust the certificate fails verification', async () => {
    const { stdout } = await run(process.execPath, [path.join(E2E_DIR, 'lib', 'openai-child.mjs'), bastion.baseURL, 'm'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '' }, timeout: 20000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.match(result.error, /APIConnectionError/);
  });

  test('keep-alive: several requests over one TLS connection', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
    const sockets = new Set();
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve, reject) => {
          const req = https.request({ host: '127.0.0.1', port: bastion.port, path: '/healthz', agent }, (res) => {
            sockets.add(res.socket);
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end();
        });
      }
    } finally {
      agent.destroy();
    }
    assert.equal(sockets.size, 1, 'one TLS connection carried all three requests');
  });

  test('TLS 1.2 and 1.3 clients are accepted', async () => {
    assert.deepEqual(await handshake(bastion.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }), { protocol: 'TLSv1.2' });
    assert.deepEqual(await handshake(bastion.port, { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }), { protocol: 'TLSv1.3' });
  });

  test('a TLS 1.1 client is refused', async () => {
    // Control: this client really can speak TLS 1.1 to a server that allows it.
    const permissive = tls.createServer({ cert: ca, key: fs.readFileSync(keyFile), minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
      (s) => s.end());
    await new Promise((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    try {
      assert.deepEqual(await handshake(permissive.address().port, TLS11), { protocol: 'TLSv1.1' });
    } finally {
      permissive.close();
    }
    const refused = await handshake(bastion.port, TLS11);
    assert.equal(refused.error, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', JSON.stringify(refused));

    // https.request with maxVersion TLSv1.1 fails as well.
    await assert.rejects(request({ port: bastion.port, path: '/healthz', tls: { ca, ...TLS11 } }));
    assert.equal((await request({ port: bastion.port, path: '/healthz', tls: { ca } })).status, 200);
  });

  test('plain HTTP to the TLS port gets no 200', async () => {
    const res = await rawExchange(bastion.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { timeoutMs: 3000 });
    assert.ok(!/HTTP\/1\.[01] 200/.test(res.data), JSON.stringify(res.data));
    assert.ok(res.closed, 'the connection is closed');
    assert.equal((await request({ port: bastion.port, path: '/healthz', tls: { ca } })).status, 200);
  });

  test('a TLS handshake that never comes is cut off after server.header_timeout', async () => {
    const res = await rawExchange(bastion.port, Buffer.alloc(0), { timeoutMs: 4000 });
    assert.ok(res.closed);
    assert.ok(res.elapsedMs >= 800 && res.elapsedMs < 2200, `closed after ${res.elapsedMs}ms`);
  });
});

test('server.tls.min_version = "1.3" refuses TLS 1.2', async (t) => {
  const bastion = await startBastion(t, { config: tlsConfig({}, { min_version: '1.3' }) });
  const refused = await handshake(bastion.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  assert.ok(refused.error, `TLS 1.2 handshake should fail: ${JSON.stringify(refused)}`);
  assert.deepEqual(await handshake(bastion.port, {}), { protocol: 'TLSv1.3' });
});

describe('public addresses', () => {
  test('0.0.0.0 without TLS: exit 2 with a one-line error naming TLS', async (t) => {
    const dir = makeTempDir(t);
    const res = await runBastion(['serve', '--listen', '0.0.0.0:0', '--insecure-no-auth', '--data-dir', dir,
      '--upstream', `m=${upstream.url}`]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^bastion: error: .*TLS/);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  });

  test('0.0.0.0 with --allow-public-plaintext starts (with a warning)', async (t) => {
    const bastion = await startBastion(t, { listen: '0.0.0.0:0', noAuthFlag: true, args: ['--allow-public-plaintext', '--upstream', `m=${upstream.url}`] });
    assert.equal(bastion.scheme, 'http');
    assert.match(bastion.stderr(), /allow_public_plaintext/);
    assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200);
    const stopped = await bastion.stop();
    assert.equal(stopped.code, 0);
  });

  test('server.allow_public_plaintext = true in the config file works the same', async (t) => {
    const bastion = await startBastion(t, {
      listen: '0.0.0.0:0',
      noAuthFlag: true,
      config: { server: { allow_public_plaintext: true }, models: [{ name: 'm', upstreams: [upstream.url] }] },
    });
    assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200);
    assert.equal((await bastion.stop()).code, 0);
  });

  test('0.0.0.0 with TLS starts and serves https on 127.0.0.1', async (t) => {
    const bastion = await startBastion(t, { listen: '0.0.0.0:0', noAuthFlag: true, config: tlsConfig() });
    assert.equal(bastion.scheme, 'https');
    assert.equal((await request({ port: bastion.port, path: '/healthz', tls: { ca } })).status, 200);
    assert.equal((await bastion.stop()).code, 0);
  });
});

describe('TLS configuration errors', () => {
  test('a missing certificate file: bastion does not start and names the file', async (t) => {
    const dir = makeTempDir(t);
    const config = path.join(dir, 'bastion.toml');
    fs.writeFileSync(config, `[server.tls]\ncert_file = "${dir}/nope.pem"\nkey_file = "${keyFile}"\n\n[[models]]\nname = "m"\n[[models.upstreams]]\nurl = "${upstream.url}"\n`);
    const res = await runBastion(['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--data-dir', path.join(dir, 'd'), '--config', config]);
    assert.notEqual(res.code, 0);
    assert.ok(!res.timedOut, 'bastion must exit, not serve');
    assert.match(res.stderr, /^bastion: error: .*nope\.pem/m);
  });

  test('a certificate without its key is a configuration error (exit 2)', async (t) => {
    const dir = makeTempDir(t);
    const config = path.join(dir, 'bastion.toml');
    fs.writeFileSync(config, `[server.tls]\ncert_file = "${certFile}"\n`);
    const res = await runBastion(['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--data-dir', path.join(dir, 'd'),
      '--config', config, '--upstream', `m=${upstream.url}`]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^bastion: error: .*key_file/);
  });

  test('a key that does not match the certificate: bastion does not start', async (t) => {
    const dir = makeTempDir(t);
    const otherKey = path.join(dir, 'other.pem');
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey]);
    const config = path.join(dir, 'bastion.toml');
    fs.writeFileSync(config, `[server.tls]\ncert_file = "${certFile}"\nkey_file = "${otherKey}"\n`);
    const res = await runBastion(['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--data-dir', path.join(dir, 'd'),
      '--config', config, '--upstream', `m=${upstream.url}`]);
    assert.notEqual(res.code, 0);
    assert.ok(!res.timedOut);
    assert.match(res.stderr, /does not match|key/i);
  });
});

describe('https upstreams', () => {
  const KEY = 'tls-upstream-key-3b9e';
  let otherCa;       // an unrelated self-signed certificate
  let wrongName;     // { cert, key } valid for other.example only
  let goodUpstream;  // https fixture with the 127.0.0.1 certificate
  let misnamed;      // https fixture with the other.example certificate

  before(async () => {
    const dir = makeTempDir(null, 'bastion-e2e-tls-up-');
    const gen = (name, san) => run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-days', '1',
      '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.pem`),
    ]);
    await Promise.all([gen('other-ca', 'DNS:other-ca.example'), gen('other.example', 'DNS:other.example')]);
    otherCa = path.join(dir, 'other-ca.pem');
    wrongName = { cert: path.join(dir, 'other.example.pem'), key: path.join(dir, 'other.example.key') };
    [goodUpstream, misnamed] = await Promise.all([
      startUpstream(null, { name: 'https-good', apiKey: KEY, tls: { cert: certFile, key: keyFile } }),
      startUpstream(null, { name: 'https-misnamed', apiKey: KEY, tls: wrongName }),
    ]);
  });

  const config = (url, caFile, upstreamPolicy = {}) => ({
    // "whoami" answers with the upstream's credential, which the output guard rightly blocks.
    guard: { scan_output: false },
    upstream: { health_interval: '200ms', ...upstreamPolicy },
    models: [{ name: 'm', upstreams: [{ url, api_key_env: 'TLS_E2E_UPSTREAM_KEY', ...(caFile ? { ca_file: caFile } : {}) }] }],
  });
  const env = { TLS_E2E_UPSTREAM_KEY: KEY };

  test('with ca_file: requests, streams and health checks go over verified TLS', async (t) => {
    const bastion = await startBastion(t, { env, config: config(goodUpstream.url, certFile) });
    const client = bastion.client();
    const res = await client.chat.completions.create(chatBody('m', 'whoami'));
    assert.equal(res.choices[0].message.content, `name=https-good authorization=Bearer ${KEY}`);
    let text = '';
    for await (const c of await client.chat.completions.create(chatBody('m', 'tls stream', { stream: true }))) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, 'echo: tls stream');
    const before = (await goodUpstream.stats()).health_checks;
    await new Promise((r) => setTimeout(r, 600));
    assert.ok((await goodUpstream.stats()).health_checks > before, 'health checks reach the upstream');
    const ready = await request({ port: bastion.port, path: '/readyz' });
    assert.equal(ready.status, 200);
  });

  async function assertRefused(t, url, caFile, upstream, what) {
    const bastion = await startBastion(t, { env, config: config(url, caFile, { unhealthy_threshold: 100 }) });
    const before = (await upstream.stats()).requests;
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', 'whoami'));
    assert.equal(res.status, 502, `${what}: ${res.body}`);
    assert.equal(res.json.error.code, 'upstream_unavailable');
    assert.equal((await upstream.stats()).requests, before, `${what}: no request (and no key) reached the upstream`);
  }

  test('without ca_file the self-signed upstream is not trusted: 502, nothing sent', async (t) => {
    await assertRefused(t, goodUpstream.url, undefined, goodUpstream, 'system CAs');
  });

  test('a ca_file of another CA: 502, nothing sent', async (t) => {
    await assertRefused(t, goodUpstream.url, otherCa, goodUpstream, 'other CA');
  });

  test('a trusted certificate for another name: 502, nothing sent', async (t) => {
    await assertRefused(t, misnamed.url, wrongName.cert, misnamed, 'name mismatch');
  });

  test('ca_file on an http:// upstream is a configuration error', async (t) => {
    const dir = makeTempDir(t);
    const file = path.join(dir, 'bastion.toml');
    fs.writeFileSync(file, buildConfig({ models: [{ name: 'm', upstreams: [{ url: 'http://127.0.0.1:9/v1', ca_file: certFile }] }] }));
    const res = await runBastion(['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--data-dir', path.join(dir, 'd'), '--config', file]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^bastion: error: .*ca_file/);
  });
});
