// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('escapes raw HTML instead of rendering it', () => {
    const html = renderMarkdown('Hi <img src=x onerror="alert(1)"> <script>alert(2)</script>');
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('neutralises javascript: links and opens safe links in a new tab', () => {
    const bad = renderMarkdown('[click](javascript:alert(1))');
    expect(bad).not.toContain('href="javascript:');
    const good = renderMarkdown('[docs](https://example.com)');
    expect(good).toContain('href="https://example.com"');
    expect(good).toContain('rel="noopener noreferrer"');
    expect(good).toContain('target="_blank"');
  });

  it('gives code blocks a copy button', () => {
    const html = renderMarkdown('```js\nconst a = 1;\n```');
    expect(html).toContain('data-copy-code');
    expect(html).toMatch(/<pre><code class="language-js">const a = 1;/);
  });
});
