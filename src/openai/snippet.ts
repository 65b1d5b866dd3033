/** The Developer panel's copy-ready code for the official `openai` client over `typewriter.fetch`. */
export const API_BASE_URL = 'http://typewriter.local/v1';

export function buildApiSnippet(modelId: string | null): { code: string; note: string | null } {
  const model = JSON.stringify(modelId ?? 'MODEL_ID');
  const code = `import OpenAI from 'openai';

// typewriter.fetch answers /v1/* in this page: nothing is sent to a server.
const client = new OpenAI({ baseURL: '${API_BASE_URL}', apiKey: 'local', fetch: typewriter.fetch, dangerouslyAllowBrowser: true });

const stream = await client.chat.completions.create({
  model: ${model},
  messages: [{ role: 'user', content: 'Write a haiku about typewriters.' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) console.log(chunk.choices[0]?.delta.content ?? '', chunk.usage ?? '');
`;
  const note = modelId
    ? null
    : 'No model is loaded yet: load one, or replace MODEL_ID with the id GET /v1/models lists.';
  return { code, note };
}
