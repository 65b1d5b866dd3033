import { describe, expect, it } from 'vitest';
import { buildApiSnippet } from './snippet';

describe('Developer panel snippet', () => {
  it('names the current model and passes typewriter.fetch to the official client', () => {
    const { code, note } = buildApiSnippet('HuggingFaceTB/SmolLM2-135M-Instruct');
    expect(code).toContain(
      "new OpenAI({ baseURL: 'http://typewriter.local/v1', apiKey: 'local', fetch: typewriter.fetch, dangerouslyAllowBrowser: true })",
    );
    expect(code).toContain('model: "HuggingFaceTB/SmolLM2-135M-Instruct"');
    expect(note).toBeNull();
  });

  it('says what to do when no model is loaded', () => {
    const { code, note } = buildApiSnippet(null);
    expect(code).toContain('MODEL_ID');
    expect(note).toMatch(/load one/);
  });
});
