// Starting bastion: exit codes (0 ok, 1 runtime failure, 2 bad flags or configuration), one-line
// errors on stderr, configuration checking, and what a started server looks like.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { buildConfig, makeTempDir, request, runBastion, startBastion, startUpstream } from './lib/harness.mjs';

let upstream;
before(async () => {
  upstream = await startUpstream(null, { name: 'startup' });
});

// Runs `bastion serve` with the given config text and flags; expects it to exit.
async function serveExpectingExit(t, { config, args = [], env = {}, auth = true, listen = '127.0.0.1:0' } = {}) {
  const dir = makeTempDir(t);
  const argv = ['serve', '--data-dir', path.join(dir, 'data')];
  if (listen) argv.push('--listen', listen);
  if (auth) argv.push('--insecure-no-auth');
  if (config !== undefined) {
    fs.writeFileSync(path.join(dir, 'bastion.toml'), config);
    argv.push('--config', path.join(dir, 'bastion.toml'));
  }
  const res = await runBastion([...argv, ...args], { env, timeoutMs: 3000 });
  assert.ok(!res.timedOut, `bastion kept running; stderr:\n${res.stderr}`);
  return res;
}

function assertUsageError(res, pattern) {
  assert.equal(res.code, 2, `exit ${res.code}; stderr:\n${res.stderr}`);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${res.stderr}`);
  assert.match(lines[0], /^bastion: error: /);
  if (pattern) assert.match(lines[0], pattern);
}

const model = (extra = '') => `[[models]]\nname = "m"\n${extra}[[models.upstreams]]\nurl = "${upstream.url}"\n`;

describe('flags and configuration errors exit 2 with one line', () => {
  test('--insecure-no-auth on a public address', async (t) => {
    assertUsageError(await serveExpectingExit(t, {
      listen: '0.0.0.0:0', args: ['--allow-public-plaintext', '--upstream', `m=${upstream.url}`],
    }), /insecure-no-auth.*loopback/);
  });

  test('server.insecure_no_auth = true in the config replaces the flag', async (t) => {
    const bastion = await startBastion(t, {
      noAuthFlag: true,
      config: `[server]\ninsecure_no_auth = true\n\n${model()}`,
    });
    assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200);
    assert.equal((await request({ port: bastion.port, path: '/v1/models' })).status, 200);
  });

  test('an unknown config key, named with its table', async (t) => {
    assertUsageError(await serveExpectingExit(t, { config: `[server]\nlisten_port = 8080\n\n${model()}` }), /server\.listen_port.*unknown key/);
    assertUsageError(await serveExpectingExit(t, { config: `[upstream]\nretry = 3\n\n${model()}` }), /upstream\.retry\b/);
    assertUsageError(await serveExpectingExit(t, { config: model('colour = "blue"\n') }), /models\[0\]\.colour/);
    assertUsageError(await serveExpectingExit(t, { config: `${model()}colour = "blue"\n` }), /models\[0\]\.upstreams\[0\]\.colour/);
  });

  test('TOML syntax errors name the line and column', async (t) => {
    assertUsageError(await serveExpectingExit(t, { config: `[server]\nlisten = \n` }), /bastion\.toml:2:\d+/);
  });

  test('bad values', async (t) => {
    const cases = [
      [`[server]\nheader_timeout = "soon"\n`, /server\.header_timeout/],
      [`[server]\nheader_timeout = 10\n`, /server\.header_timeout/],
      [`[server]\nmax_connections = 0\n`, /server\.max_connections/],
      [`[upstream]\nretries = 11\n`, /upstream\.retries/],
      [`[server.tls]\nmin_version = "1.1"\ncert_file = "/x"\nkey_file = "/y"\n`, /min_version/],
      [`[upstream]\nhealth_path = "models"\n`, /health_path/],
      ['log_level = "chatty"\n', /log_level/],
    ];
    for (const [text, pattern] of cases) {
      assertUsageError(await serveExpectingExit(t, { config: `${text}\n${model()}` }), pattern);
    }
    // Without --listen, the config's listen address counts.
    assertUsageError(await serveExpectingExit(t, { listen: null, config: `[server]\nlisten = "nonsense"\n\n${model()}` }), /nonsense/);
    assertUsageError(await serveExpectingExit(t, { listen: 'also-nonsense', config: model() }), /also-nonsense/);
  });

  test('models: reasoning, duplicates, missing upstreams, bad URLs', async (t) => {
    assertUsageError(await serveExpectingExit(t, { config: model('reasoning = "maybe"\n') }), /models\[0\]\.reasoning must be/);
    assertUsageError(await serveExpectingExit(t, { config: model() + model() }), /'m' is configured twice/);
    assertUsageError(await serveExpectingExit(t, { config: '[[models]]\nname = "lonely"\n' }), /'lonely' has no upstreams/);
    assertUsageError(await serveExpectingExit(t, { args: ['--upstream', 'm=ftp://127.0.0.1:1/v1'] }), /scheme/);
    assertUsageError(await serveExpectingExit(t, { args: ['--upstream', 'no-equals-sign'] }), /MODEL=URL/);
    assertUsageError(await serveExpectingExit(t, { args: ['--upstream', 'm=http://127.0.0.1:1/v1?x=1'] }), /query/);
  });

  test('api_key_env naming an unset variable', async (t) => {
    const config = buildConfig({ models: [{ name: 'm', upstreams: [{ url: upstream.url, api_key_env: 'BASTION_E2E_UNSET_KEY' }] }] });
    const res = await serveExpectingExit(t, { config, env: { BASTION_E2E_UNSET_KEY: '' } });
    assertUsageError(res, /BASTION_E2E_UNSET_KEY is not set/);
  });

  test('an unknown flag, and a missing config file', async (t) => {
    const res = await serveExpectingExit(t, { args: ['--no-such-flag'] });
    assert.equal(res.code, 2, res.stderr);
    const missing = await serveExpectingExit(t, { args: ['--config', '/nonexistent/bastion.toml'] });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /^bastion: error: .*\/nonexistent\/bastion\.toml/m);
  });
});

describe('runtime failures exit 1', () => {
  test('the listen port is taken', async (t) => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const dir = makeTempDir(t);
    const res = await runBastion(['serve', '--listen', `127.0.0.1:${blocker.address().port}`, '--insecure-no-auth',
      '--data-dir', dir, '--upstream', `m=${upstream.url}`], { timeoutMs: 3000 });
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /bastion: error: cannot listen on/);
  });
});

describe('a started server', () => {
  test('version subcommand', async () => {
    const res = await runBastion(['version']);
    assert.equal(res.code, 0);
    assert.match(res.stdout + res.stderr, /\d+\.\d+\.\d+/);
  });

  test('creates its data directory private (0700), warns about missing auth, answers /healthz and /readyz', async (t) => {
    const bastion = await startBastion(t, { args: ['--upstream', `m=${upstream.url}`] });
    const dataDir = path.join(bastion.dir, 'data');
    assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
    assert.match(bastion.stderr(), /AUTHENTICATION IS OFF/);
    assert.match(bastion.stderr(), /listening on http:\/\/127\.0\.0\.1:\d+ with \d+ worker threads and 1 models/);
    const health = await request({ port: bastion.port, path: '/healthz' });
    assert.deepEqual([health.status, health.json], [200, { status: 'ok' }]);
    const ready = await request({ port: bastion.port, path: '/readyz' });
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json, { status: 'ready', models: { m: { healthy_upstreams: 1, upstreams: 1 } } });
  });

  test('flags override the config file', async (t) => {
    const bastion = await startBastion(t, {
      config: `[server]\nlisten = "127.0.0.1:1"\nthreads = 3\n\n${model()}`,
      args: ['--threads', '1'],
    });
    assert.match(bastion.stderr(), /with 1 worker threads/);
    assert.equal((await request({ port: bastion.port, path: '/healthz' })).status, 200);
  });
});

describe('serve --check', () => {
  async function check(t, config, extra = []) {
    const dir = makeTempDir(t);
    const file = path.join(dir, 'bastion.toml');
    fs.writeFileSync(file, config);
    const dataDir = path.join(dir, 'data');
    const res = await runBastion(['serve', '--check', '--insecure-no-auth', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
      '--config', file, ...extra], { timeoutMs: 3000 });
    assert.ok(!res.timedOut, 'serve --check must not serve');
    return { ...res, dataDir };
  }

  test('a good configuration: exit 0 and a verdict, without serving or touching the data directory', async (t) => {
    const res = await check(t, model());
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /configuration OK \(1 models/);
    assert.ok(!fs.existsSync(res.dataDir), 'no data directory made');
  });

  test('a bad configuration: exit 2 with the error', async (t) => {
    const res = await check(t, `[server]\nlisten_port = 1\n\n${model()}`);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /server\.listen_port/);
  });

  // docs/configuration.md: "prints the verdict and exits (0 when serve would start)".
  test('a missing upstream ca_file fails the check, as it fails serve', async (t) => {
    const config = `[[models]]\nname = "m"\n[[models.upstreams]]\nurl = "https://127.0.0.1:9/v1"\nca_file = "/nonexistent/ca.pem"\n`;
    const serve = await serveExpectingExit(t, { config });
    assert.equal(serve.code, 2, 'serve refuses it');
    const res = await check(t, config);
    assert.notEqual(res.code, 0, `--check said: ${res.stdout}`);
  });

  test('a missing server TLS certificate fails the check, as it fails serve', async (t) => {
    const config = `[server.tls]\ncert_file = "/nonexistent/cert.pem"\nkey_file = "/nonexistent/key.pem"\n\n${model()}`;
    const serve = await serveExpectingExit(t, { config });
    assert.notEqual(serve.code, 0, 'serve refuses it');
    const res = await check(t, config);
    assert.notEqual(res.code, 0, `--check said: ${res.stdout}`);
  });
});
