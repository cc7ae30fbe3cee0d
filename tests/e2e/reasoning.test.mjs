// DeepSeek-R1 reasoning: for R1 models bastion turns the upstream's inline
// "<think>...</think>" into DeepSeek-API-style `reasoning_content`, whole and streamed (the
// fixture splits its streamed tags across chunks); other models are relayed untouched.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { startBastion, startUpstream } from './lib/harness.mjs';

// The fixture's "think" answer, whole: "<think>\nThe user wants an answer. 2+2=4.\n</think>\n\nThe answer is 4."
const WHOLE_RAW = '<think>\nThe user wants an answer. 2+2=4.\n</think>\n\nThe answer is 4.';
const WHOLE_REASONING = '\nThe user wants an answer. 2+2=4.\n';
// Streamed, in the pieces '<thi', 'nk>\nThe user wants', ' an answer.\n</th', 'ink>\n\nThe answer', ' is 4.'
const STREAM_RAW = '<think>\nThe user wants an answer.\n</think>\n\nThe answer is 4.';
const STREAM_REASONING = '\nThe user wants an answer.\n';
const ANSWER = 'The answer is 4.';

let client;

before(async () => {
  const upstream = await startUpstream(null, { name: 'r1' });
  const bastion = await startBastion(null, {
    config: {
      models: [
        { name: 'deepseek-r1', upstreams: [upstream.url] },
        { name: 'my-distill', upstream_model: 'DeepSeek-R1-Distill-Qwen-7B', upstreams: [upstream.url] },
        { name: 'forced', reasoning: 'deepseek_r1', upstreams: [upstream.url] },
        { name: 'plain-llama', upstreams: [upstream.url] },
        { name: 'deepseek-r1-raw', reasoning: 'none', upstreams: [upstream.url] },
      ],
    },
  });
  client = bastion.client();
});

const ask = (model, content, extra = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }], ...extra });

async function collect(stream) {
  const out = { reasoning: '', content: '', finishes: [], chunks: 0 };
  for await (const chunk of stream) {
    out.chunks++;
    for (const choice of chunk.choices) {
      out.reasoning += choice.delta?.reasoning_content ?? '';
      out.content += choice.delta?.content ?? '';
      if (choice.finish_reason) out.finishes.push(choice.finish_reason);
    }
  }
  return out;
}

describe('R1 model (detected from the name deepseek-r1)', () => {
  test('non-streaming: reasoning_content and content are separate', async () => {
    const res = await ask('deepseek-r1', 'think');
    const message = res.choices[0].message;
    assert.equal(message.reasoning_content, WHOLE_REASONING);
    assert.equal(message.content, ANSWER);
    assert.equal(message.role, 'assistant');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.ok(res.usage, 'usage kept');
  });

  test('streaming: tags split across chunks still separate cleanly', async () => {
    const out = await collect(await ask('deepseek-r1', 'think', { stream: true }));
    assert.equal(out.reasoning, STREAM_REASONING);
    assert.equal(out.content, ANSWER);
    assert.deepEqual(out.finishes, ['stop']);
    assert.ok(!out.content.includes('<') && !out.reasoning.includes('<'), 'no tag fragments leak');
  });

  test('streaming with include_usage keeps the usage chunk', async () => {
    const stream = await ask('deepseek-r1', 'think', { stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    assert.ok(chunks.at(-1).usage, 'usage chunk last');
    const content = chunks.flatMap((c) => c.choices).map((c) => c.delta?.content ?? '').join('');
    assert.equal(content, ANSWER);
  });

  test('an answer without tags is all reasoning (as R1 templates open <think> in the prompt)', async () => {
    const res = await ask('deepseek-r1', 'no tags here');
    assert.equal(res.choices[0].message.reasoning_content, 'echo: no tags here');
    assert.equal(res.choices[0].message.content, '');
  });

  test('legacy /v1/completions text is not rewritten', async () => {
    const res = await client.completions.create({ model: 'deepseek-r1', prompt: 'think' });
    assert.equal(res.choices[0].text, WHOLE_RAW);
  });
});

describe('R1 detection and the reasoning setting', () => {
  test('upstream_model naming an R1 distill turns splitting on', async () => {
    const res = await ask('my-distill', 'think');
    assert.equal(res.choices[0].message.reasoning_content, WHOLE_REASONING);
    assert.equal(res.choices[0].message.content, ANSWER);
    const out = await collect(await ask('my-distill', 'think', { stream: true }));
    assert.equal(out.reasoning, STREAM_REASONING);
    assert.equal(out.content, ANSWER);
  });

  test('reasoning = "deepseek_r1" forces splitting for any name', async () => {
    const out = await collect(await ask('forced', 'think', { stream: true }));
    assert.equal(out.reasoning, STREAM_REASONING);
    assert.equal(out.content, ANSWER);
  });

  test('a non-R1 model leaves <think> text untouched', async () => {
    const res = await ask('plain-llama', 'think');
    assert.equal(res.choices[0].message.content, WHOLE_RAW);
    assert.equal(res.choices[0].message.reasoning_content, undefined);
    const out = await collect(await ask('plain-llama', 'think', { stream: true }));
    assert.equal(out.content, STREAM_RAW);
    assert.equal(out.reasoning, '');
  });

  test('reasoning = "none" turns splitting off even for an R1 name', async () => {
    const res = await ask('deepseek-r1-raw', 'think');
    assert.equal(res.choices[0].message.content, WHOLE_RAW);
    assert.equal(res.choices[0].message.reasoning_content, undefined);
  });
});

describe('an upstream that already splits reasoning (vLLM reasoning parser)', () => {
  test('non-streaming: relayed as is', async () => {
    const res = await ask('deepseek-r1', 'think-split');
    assert.equal(res.choices[0].message.reasoning_content, 'The user wants an answer.');
    assert.equal(res.choices[0].message.content, ANSWER);
  });

  test('streaming: relayed as is', async () => {
    const out = await collect(await ask('deepseek-r1', 'think-split', { stream: true }));
    assert.equal(out.reasoning, 'The user wants an answer.');
    assert.equal(out.content, ANSWER);
    assert.deepEqual(out.finishes, ['stop']);
  });
});
