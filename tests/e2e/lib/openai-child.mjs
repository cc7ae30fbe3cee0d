// Runs the openai client in its own process, so the parent can give it an environment
// (NODE_EXTRA_CA_CERTS for bastion's test certificate). Usage:
//   node openai-child.mjs BASE_URL MODEL
// Prints one JSON line: { models, content, streamed } or { error }.
import OpenAI from 'openai';

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: 'client-key-should-not-leak', maxRetries: 0, timeout: 15000 });
try {
  const models = [];
  for await (const m of client.models.list()) models.push(m.id);
  const res = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'over tls' }] });
  let streamed = '';
  const stream = await client.chat.completions.create({
    model, stream: true, messages: [{ role: 'user', content: 'streamed over tls' }],
  });
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  console.log(JSON.stringify({ models, content: res.choices[0].message.content, streamed }));
} catch (err) {
  console.log(JSON.stringify({ error: `${err.constructor.name}: ${err.message}`, cause: err.cause?.code ?? null }));
}
