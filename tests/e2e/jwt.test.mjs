// JWT bearer tokens from an identity provider: a JWKS file, tokens signed here with Node's
// crypto, roles from a claim; forged and misdirected tokens refused.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { buildConfig, makeTempDir, request, startBastion, startUpstream, waitFor } from './lib/harness.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'bastion';

function sign(privateKey, header, claims) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

describe('JWT bearer tokens', () => {
  let upstream;
  let bastion;
  let privateKey;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra = {}) => ({ iss: ISSUER, aud: AUDIENCE, sub: 'alice@example.test', exp: now() + 300, groups: ['llm-users'], ...extra });
  const call = (token, p = '/v1/models') => request({ port: bastion.port, path: p, headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    privateKey = pair.privateKey;
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'ES256' };
    const dir = makeTempDir(null);
    const jwks = path.join(dir, 'jwks.json');
    fs.writeFileSync(jwks, JSON.stringify({ keys: [jwk] }));
    upstream = await startUpstream(null);
    const auth = [
      '[auth]', 'failure_threshold = 1000',
      '[auth.jwt]', `jwks_file = ${JSON.stringify(jwks)}`, `issuer = ${JSON.stringify(ISSUER)}`,
      `audiences = [${JSON.stringify(AUDIENCE)}]`, 'role_claim = "groups"',
      '[auth.jwt.roles]', '"llm-users" = "user"', '"llm-ops" = "operator"',
    ].join('\n');
    bastion = await startBastion(null, {
      noAuthFlag: true,
      config: buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] }) + '\n' + auth + '\n',
    });
  });
  after(async () => {
    await bastion?.stop();
    await upstream?.stop();
  });

  test('a valid token gets its role; the subject names the caller in logs', async () => {
    const res = await call(sign(privateKey, { alg: 'ES256', kid: 'k1', typ: 'JWT' }, claims()));
    assert.equal(res.status, 200, res.body);
    await waitFor(() => /subject=jwt:alice@example\.test role=user/.test(bastion.stderr()), { what: 'the access-log line' });
    const ops = await call(sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims({ groups: ['llm-ops'] })), '/metrics');
    assert.equal(ops.status, 200, ops.body);
    const user = await call(sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims()), '/metrics');
    assert.equal(user.status, 403);
  });

  test('forged, expired and misdirected tokens are refused', async () => {
    const good = sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims());
    const [h, p] = good.split('.');
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const cases = {
      alg_none: `${b64url(JSON.stringify({ alg: 'none', kid: 'k1' }))}.${p}.`,
      hs256: (() => {
        const head = b64url(JSON.stringify({ alg: 'HS256', kid: 'k1' }));
        const mac = crypto.createHmac('sha256', 'secret').update(`${head}.${p}`).digest();
        return `${head}.${p}.${b64url(mac)}`;
      })(),
      other_signer: sign(other, { alg: 'ES256', kid: 'k1' }, claims()),
      unknown_kid: sign(privateKey, { alg: 'ES256', kid: 'k2' }, claims()),
      tampered: `${h}.${b64url(JSON.stringify(claims({ groups: ['llm-ops'] })))}.${good.split('.')[2]}`,
      expired: sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims({ exp: now() - 3600 })),
      not_yet: sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims({ nbf: now() + 3600 })),
      wrong_audience: sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims({ aud: 'another-service' })),
      wrong_issuer: sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims({ iss: 'https://evil.example/' })),
      no_role: sign(privateKey, { alg: 'ES256', kid: 'k1' }, claims({ groups: ['nobody'] })),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await call(token);
      assert.equal(res.status, 401, `${name}: ${res.body}`);
      assert.ok(!res.body.includes(token.split('.')[2] || 'x'.repeat(99)), `${name}: the error repeats the signature`);
    }
    const logs = bastion.stderr();
    assert.ok(!logs.includes(good.split('.')[2]), 'a token signature reached the logs');
  });
});
