import { describe, expect, it } from 'vitest';
import { modelSpecFor, parseWidgetParams } from './params';

const parse = (query: string) => parseWidgetParams(new URLSearchParams(query));

describe('parseWidgetParams', () => {
  it('defaults to the bundled demo with no allowlist', () => {
    expect(parse('embed')).toEqual({
      ok: true,
      config: {
        model: 'demo',
        hubHost: null,
        system: null,
        prompt: null,
        autostart: false,
        maxTokens: null,
        temperature: null,
        theme: 'auto',
        allowedOrigins: null,
        input: true,
      },
    });
  });

  it('reads every parameter', () => {
    const result = parse(
      'embed&model=HuggingFaceTB/SmolLM2-135M-Instruct&host=http://localhost:5301&system=Be+brief&prompt=Hi' +
        '&autostart&maxTokens=64&temperature=0&theme=dark&input=false&allowedOrigins=https://a.example,https://b.example',
    );
    expect(result.ok && result.config).toMatchObject({
      model: 'HuggingFaceTB/SmolLM2-135M-Instruct',
      hubHost: 'http://localhost:5301',
      system: 'Be brief',
      prompt: 'Hi',
      autostart: true,
      maxTokens: 64,
      temperature: 0,
      theme: 'dark',
      input: false,
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it.each([
    ['model=../../etc', 'model'],
    ['maxTokens=0', 'maxTokens'],
    ['maxTokens=1.5', 'maxTokens'],
    ['maxTokens=lots', 'maxTokens'],
    ['maxTokens=', 'maxTokens'],
    ['temperature=-1', 'temperature'],
    ['temperature=9', 'temperature'],
    ['theme=purple', 'theme'],
    ['autostart=maybe', 'autostart'],
    ['autostart=true', 'autostart'],
    ['allowedOrigins=*', 'allowedOrigins'],
    ['allowedOrigins=https://a.example/path', 'allowedOrigins'],
    ['allowedOrigins=', 'allowedOrigins'],
    ['host=ftp://mirror.example', 'host'],
  ])('refuses %s and names the parameter', (query, param) => {
    const result = parse(`embed&${query}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.param)).toContain(param);
  });

  it('reports every problem at once', () => {
    const result = parse('embed&theme=x&maxTokens=-1');
    expect(!result.ok && result.problems.map((p) => p.param)).toEqual(['maxTokens', 'theme']);
  });
});

describe('modelSpecFor', () => {
  it('maps demo to the bundled folder and Hub ids to the Hub, with the host override', () => {
    expect(modelSpecFor('demo', null).source).toEqual({ kind: 'url', url: '/models/demo/' });
    expect(modelSpecFor('a/b', 'http://localhost:5301').source).toEqual({
      kind: 'hub',
      id: 'a/b',
      host: 'http://localhost:5301',
    });
  });
});
