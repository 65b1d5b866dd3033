// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';
import { RenderCache } from './render-cache';

const html = (source: string) => String(renderMarkdown(source));

describe('renderMarkdown never makes the browser fetch', () => {
  it('turns an inline image into a link that shows its alt text and URL', () => {
    const out = html('![secret](https://evil.example/?q=chat)');
    expect(out).not.toMatch(/<img/i);
    expect(out).toContain('href="https://evil.example/?q=chat"');
    expect(out).toContain('secret (https://evil.example/?q=chat)');
  });

  it('does the same for reference-style and nested images', () => {
    const ref = html('[logo]: https://evil.example/r.png\n![alt][logo]');
    expect(ref).not.toMatch(/<img/i);
    expect(ref).toContain('alt (https://evil.example/r.png)');
    expect(html('[![n](https://evil.example/n.png)](https://ok.example)')).not.toMatch(/<img/i);
  });

  it('escapes raw HTML and drops anything that could load or run', () => {
    for (const source of [
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)></svg>',
      '<style>body{background:url(https://evil.example)}</style>',
      '<iframe src="https://evil.example"></iframe>',
    ]) {
      const out = html(source);
      expect(out).not.toMatch(/<(img|svg|style|iframe)/i);
    }
    expect(html('[x](javascript:alert(1))')).not.toMatch(/href="javascript/i);
    expect(html('![x](javascript:alert(1))')).not.toMatch(/href="javascript/i);
  });

  it('keeps autolinks as links that open in a new tab without a referrer', () => {
    const out = html('see https://example.org/page');
    expect(out).toContain('href="https://example.org/page"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
  });
});

describe('RenderCache', () => {
  it('is bounded by the size of what it holds, evicting the oldest first', () => {
    const cache = new RenderCache<string>(100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.set('c', 'C', 40);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe('C');
    expect(cache.bytes).toBe(80);
    cache.set('huge', 'H', 1000);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBe(80);
  });
});
