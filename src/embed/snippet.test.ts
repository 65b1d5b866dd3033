import { describe, expect, it } from 'vitest';
import { buildSnippet, widgetModel } from './snippet';

const base = {
  appRoot: 'https://tw.example/',
  spec: null,
  systemPrompt: 'Be brief.',
  maxTokens: '128',
  temperature: '0.5',
};

/** Runs the snippet's mount call against a stub SDK and returns the options it passed. */
function mountOptionsOf(html: string): unknown {
  const code = /<script>\n([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
  let seen: unknown;
  const Typewriter = { mount: (_el: string, options: unknown) => (seen = options) };
  new Function('Typewriter', code)(Typewriter);
  return seen;
}

describe('buildSnippet', () => {
  it('loads the SDK from the app and mounts with the current settings', () => {
    const { html, note } = buildSnippet(base);
    expect(html).toContain('<script src="https://tw.example/embed/typewriter-embed.js"></script>');
    expect(note).toBeNull();
    expect(mountOptionsOf(html)).toEqual({
      model: 'demo',
      systemPrompt: 'Be brief.',
      maxTokens: 128,
      temperature: 0.5,
      theme: 'auto',
    });
  });

  it('never embeds a remote server: the demo model instead, and neither its URL nor its model in the page', () => {
    const spec = { source: { kind: 'remote' as const, baseUrl: 'https://llm.internal.example/v1', model: 'big-70b' } };
    const { html, note } = buildSnippet({ ...base, spec });
    expect(mountOptionsOf(html)).toMatchObject({ model: 'demo' });
    expect(html).not.toContain('llm.internal.example');
    expect(html).not.toContain('big-70b');
    expect(note).toContain('never put in the snippet');
  });

  it('uses Hub ids and a custom Hub host', () => {
    const spec = { source: { kind: 'hub' as const, id: 'a/b', host: 'https://mirror.example' } };
    expect(mountOptionsOf(buildSnippet({ ...base, spec }).html)).toMatchObject({
      model: 'a/b',
      hubHost: 'https://mirror.example',
    });
  });

  it('cannot be broken out of by a system prompt', () => {
    const { html } = buildSnippet({ ...base, systemPrompt: '</script><script>alert(1)</script>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(mountOptionsOf(html)).toMatchObject({ systemPrompt: '</script><script>alert(1)</script>' });
  });

  it('leaves out invalid numbers and falls back to the demo for picked files', () => {
    const spec = { source: { kind: 'files' as const, name: 'x', files: [] } };
    const { html, note } = buildSnippet({ ...base, spec, maxTokens: 'lots' });
    expect(mountOptionsOf(html)).not.toHaveProperty('maxTokens');
    expect(note).toMatch(/local files/);
    expect(widgetModel({ source: { kind: 'url', url: '/models/demo/' } }, base.appRoot)).toEqual({ model: 'demo' });
  });
});
