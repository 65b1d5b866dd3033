import { describe, expect, it } from 'vitest';
import { parseWidgetParams } from '../widget/params';
import { widgetUrl } from './widget-url';

describe('widgetUrl', () => {
  it("builds /?embed with the options, allowing the host page's origin by default", () => {
    const url = widgetUrl(
      'https://app.example/',
      { model: 'demo', maxTokens: 32, theme: 'dark' },
      'https://host.example',
    );
    expect(url.origin).toBe('https://app.example');
    expect(url.search.startsWith('?embed&')).toBe(true);
    expect(url.searchParams.get('allowedOrigins')).toBe('https://host.example');
  });

  it('round-trips through the widget parser', () => {
    const url = widgetUrl(
      'https://app.example/',
      {
        systemPrompt: 'Be brief, & kind',
        prompt: 'Hi?',
        autostart: true,
        temperature: 0.5,
        allowedOrigins: ['https://a.example'],
      },
      'https://host.example',
    );
    const parsed = parseWidgetParams(url.searchParams);
    expect(parsed.ok && parsed.config).toMatchObject({
      system: 'Be brief, & kind',
      prompt: 'Hi?',
      autostart: true,
      temperature: 0.5,
      allowedOrigins: ['https://a.example'],
    });
  });

  it('uses widgetUrl over the script location', () => {
    expect(widgetUrl('https://app.example/', { widgetUrl: 'https://other.example/tw/' }, 'null').href).toBe(
      'https://other.example/tw/?embed',
    );
  });
});
