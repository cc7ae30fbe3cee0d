// `bastion version --libraries` and `--sbom`: the versions bastion reports for the libraries
// it runs on agree with what the system's own tools say about the same libraries.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { runBastion } from './lib/harness.mjs';

test('--sbom is a CycloneDX 1.5 document naming bastion and every library', async () => {
  const res = await runBastion(['version', '--sbom']);
  assert.equal(res.code, 0, res.stderr);
  const bom = JSON.parse(res.stdout);
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.specVersion, '1.5');
  assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
  assert.equal(bom.metadata.component.name, 'bastion');
  const names = bom.components.map((c) => c.name);
  for (const name of ['openssl', 'sqlite', 'libpq', 'hiredis', 'vectorscan', 'libsodium', 'libseccomp', 'pcre2',
    'utf8proc', 'zlib', 'boost', 'simdjson', 'fmt', 'spdlog', 'tomlplusplus', 'cli11', 'glibc']) {
    assert.ok(names.includes(name), `${name} missing from ${names}`);
  }
  for (const c of bom.components) {
    assert.equal(c.purl, `pkg:generic/${c.name}@${c.version}`);
    assert.ok(bom.dependencies[0].dependsOn.includes(c.purl), c.purl);
  }
  // The system's own tools agree on the shared libraries bastion loaded.
  const version = (name) => bom.components.find((c) => c.name === name).version;
  assert.equal(execFileSync('openssl', ['version']).toString().split(' ')[1], version('openssl'));
  assert.equal(execFileSync('sqlite3', ['--version']).toString().split(' ')[0], version('sqlite'));
});

test('--libraries prints one line per library after the version', async () => {
  const res = await runBastion(['version', '--libraries']);
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.match(lines[0], /^bastion \d+\.\d+\.\d+/);
  assert.ok(lines.some((l) => /^openssl\s+\d+\.\d+\.\d+\s+\(loaded\)$/.test(l)), res.stdout);
  assert.ok(lines.some((l) => /^boost\s+1\.\d+\.\d+\s+\(from headers\)$/.test(l)), res.stdout);
  const plain = await runBastion(['version']);
  assert.equal(plain.stdout.trim().split('\n').length, 1);
});
