// The audit trail survives a crash and shows tampering. An event is durable before its
// response completes, so after `kill -9` in the middle of concurrent traffic every request
// whose response the client fully received is in the trail; the server starts again on the
// same data directory, the chain verifies and goes on. An event altered or deleted in the
// database afterwards is named by `bastion audit verify`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  buildConfig, chatBody, makeTempDir, postJson, runBastion, sleep, startBastion, startUpstream, waitExit,
} from './lib/harness.mjs';

const CLI_TIMEOUT = 20000;
const HAVE_SQLITE3 = spawnSync('sqlite3', ['-version']).status === 0;

async function cli(args) {
  const res = await runBastion(['audit', ...args], { timeoutMs: CLI_TIMEOUT });
  assert.ok(!res.timedOut, `bastion audit ${args.join(' ')} timed out`);
  return res;
}

async function exportTrail(dataDir) {
  const res = await cli(['export', '--data-dir', dataDir, '--format', 'jsonl']);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function verifyReport(dataDir) {
  const res = await cli(['verify', '--data-dir', dataDir, '--json']);
  let report;
  try { report = JSON.parse(res.stdout); } catch { report = undefined; }
  return { code: res.code, report, output: res.stdout + res.stderr };
}

function assertGapFree(events) {
  assert.ok(events.length > 0, 'an empty trail');
  events.forEach((e, i) => {
    assert.equal(e.seq, events[0].seq + i, `seq ${e.seq} at position ${i}`);
    if (i > 0) assert.equal(e.prev_hash, events[i - 1].hash, `seq ${e.seq} does not link to ${events[i - 1].seq}`);
  });
}

// What a worker sends: whole and streamed answers, quick and slow, so that requests are
// always in flight when the server is killed.
const CONTENTS = ['quick', 'slow:80', 'pace:6:25', 'chunks:3'];

// Sends requests from `workers` loops until `stop()` is true. `acked`: the ids whose responses
// arrived complete (status 200, the id echoed, a whole JSON answer or a stream ending in
// [DONE]); `sent`: every id tried.
function traffic(port, { workers, prefix, acked, sent, stop }) {
  let n = 0;
  const one = async (w) => {
    while (!stop()) {
      const i = n++;
      const id = `${prefix}-${w}-${i}`;
      const content = CONTENTS[i % CONTENTS.length];
      const stream = content.startsWith('pace') || content.startsWith('chunks') || i % 2 === 1;
      sent.add(id);
      try {
        const res = await postJson(port, '/v1/chat/completions', chatBody('m', content, { stream }),
          { headers: { 'x-request-id': id }, timeoutMs: 5000 });
        const complete = stream
          ? /data: \[DONE\]\s*$/.test(res.body)
          : res.json?.choices?.[0]?.finish_reason === 'stop';
        if (res.status === 200 && res.headers['x-request-id'] === id && complete) acked.add(id);
      } catch {
        // cut off by the kill, or refused after it
      }
    }
  };
  return Promise.all(Array.from({ length: workers }, (_, w) => one(w)));
}

test('kill -9 under load: every acknowledged request is in the trail, which verifies', async (t) => {
  const upstream = await startUpstream(t);
  const dataDir = path.join(makeTempDir(t, 'bastion-e2e-crash-'), 'data');
  const config = buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] });
  const first = await startBastion(t, { config, dataDir });

  const acked = new Set();
  const sent = new Set();
  let stopped = false;
  const running = traffic(first.port, { workers: 8, prefix: 'crash', acked, sent, stop: () => stopped });
  await sleep(2500);
  const inFlight = sent.size - acked.size;
  first.proc.kill('SIGKILL');
  const exit = await waitExit(first.proc, 5000);
  stopped = true;
  await running;
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(acked.size >= 20, `only ${acked.size} requests completed in 2.5 s`);
  assert.ok(inFlight > 0, 'no request was in flight at the kill');
  t.diagnostic(`${acked.size} requests acknowledged, ${inFlight} in flight at the kill`);

  const second = await startBastion(t, { config, dataDir });
  const next = await postJson(second.port, '/v1/chat/completions', chatBody('m', 'after the crash'),
    { headers: { 'x-request-id': 'after-restart' } });
  assert.equal(next.status, 200, next.body);

  const verified = await verifyReport(dataDir);
  assert.equal(verified.code, 0, verified.output);
  assert.equal(verified.report?.ok, true, verified.output);

  const events = await exportTrail(dataDir);
  assertGapFree(events);
  const requests = events.filter((e) => e.kind === 'request');
  const ids = requests.map((e) => e.request_id);
  assert.equal(new Set(ids).size, ids.length, 'a request has two events');
  const inTrail = new Set(ids);
  const lost = [...acked].filter((id) => !inTrail.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged requests are not in the trail`);
  assert.ok(inTrail.has('after-restart'), 'the restarted server does not write to the trail');
  for (const id of ids) assert.ok(sent.has(id) || id === 'after-restart', `an event for a request never sent: ${id}`);
  for (const e of requests.filter((r) => acked.has(r.request_id))) {
    assert.equal(e.outcome, 'completed', JSON.stringify(e));
    assert.equal(e.status, 200, JSON.stringify(e));
  }

  await second.stop();
  const final = await verifyReport(dataDir);
  assert.equal(final.code, 0, final.output);
  assert.equal(final.report.unsigned_tail, 0, `a clean stop signs the tail: ${final.output}`);
});

// The database file's table and column that hold the event JSON naming `requestId`.
function findEventCell(db, requestId) {
  const q = (sql) => {
    const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
    assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean);
  };
  const like = `%"request_id":"${requestId}"%`;
  for (const table of q("SELECT name FROM sqlite_master WHERE type = 'table'")) {
    for (const column of q(`SELECT name FROM pragma_table_info('${table}')`)) {
      const hits = q(`SELECT count(*) FROM "${table}" WHERE CAST("${column}" AS TEXT) LIKE '${like}'`);
      if (Number(hits[0]) === 1) return { table, column, like, q };
    }
  }
  assert.fail(`no event naming ${requestId} in ${db}`);
}

// Changes the event's status 200 to 201 in place, with sqlite3, or byte by byte in the file
// (a clean stop leaves the whole database in audit.db).
function alterEvent(dataDir, requestId) {
  const db = path.join(dataDir, 'audit.db');
  if (HAVE_SQLITE3) {
    const { table, column, like, q } = findEventCell(db, requestId);
    q(`UPDATE "${table}" SET "${column}" = replace("${column}", '"status":200', '"status":201') `
      + `WHERE CAST("${column}" AS TEXT) LIKE '${like}'`);
    return;
  }
  const bytes = fs.readFileSync(db);
  const at = bytes.indexOf(`"request_id":"${requestId}"`);
  assert.ok(at >= 0, `${requestId} not found in ${db}`);
  const status = bytes.indexOf('"status":200', at);
  assert.ok(status > at && status - at < 400, 'no status near the request id');
  bytes[status + '"status":20'.length] = '1'.charCodeAt(0);
  fs.writeFileSync(db, bytes);
}

function deleteEvent(dataDir, requestId) {
  const { table, column, like, q } = findEventCell(path.join(dataDir, 'audit.db'), requestId);
  q(`DELETE FROM "${table}" WHERE CAST("${column}" AS TEXT) LIKE '${like}'`);
}

test('an altered or deleted event is named by audit verify', async (t) => {
  const upstream = await startUpstream(t);
  const root = makeTempDir(t, 'bastion-e2e-tamper-');
  const dataDir = path.join(root, 'data');
  const bastion = await startBastion(t, {
    config: buildConfig({ models: [{ name: 'm', upstreams: [upstream.url] }] }), dataDir,
  });
  for (let i = 1; i <= 6; i++) {
    const res = await postJson(bastion.port, '/v1/chat/completions', chatBody('m', `event ${i}`),
      { headers: { 'x-request-id': `tamper-${i}` } });
    assert.equal(res.status, 200, res.body);
  }
  await bastion.stop();
  const intact = await verifyReport(dataDir);
  assert.equal(intact.code, 0, intact.output);
  const seqOf = Object.fromEntries((await exportTrail(dataDir)).map((e) => [e.request_id, e.seq]));

  const altered = path.join(root, 'altered');
  fs.cpSync(dataDir, altered, { recursive: true });
  alterEvent(altered, 'tamper-3');
  const afterAlter = await verifyReport(altered);
  assert.equal(afterAlter.code, 1, afterAlter.output);
  assert.equal(afterAlter.report.ok, false);
  assert.ok(afterAlter.report.problems.some((p) => p.kind === 'altered' && p.seq === seqOf['tamper-3']),
    `no "altered" at seq ${seqOf['tamper-3']}: ${afterAlter.output}`);
  const text = await cli(['verify', '--data-dir', altered]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, new RegExp(`^altered\\s+seq ${seqOf['tamper-3']}\\b`, 'm'), text.stdout);
  assert.match(text.stdout, /^FAILED: /m, text.stdout);

  if (!HAVE_SQLITE3) return;  // deleting a row needs SQLite itself
  const deleted = path.join(root, 'deleted');
  fs.cpSync(dataDir, deleted, { recursive: true });
  deleteEvent(deleted, 'tamper-4');
  const afterDelete = await verifyReport(deleted);
  assert.equal(afterDelete.code, 1, afterDelete.output);
  assert.ok(afterDelete.report.problems.some((p) => p.kind === 'deleted'),
    `no "deleted" problem: ${afterDelete.output}`);

  // The original is untouched by all this.
  assert.equal((await verifyReport(dataDir)).code, 0);
});
