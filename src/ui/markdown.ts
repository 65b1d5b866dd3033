import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { timed } from './profile';

// html: false escapes any HTML the model writes; DOMPurify is the second line of defence.
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const defaultFence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const inner = defaultFence ? defaultFence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  return `<div class="code-block"><button type="button" class="code-copy" data-copy-code>Copy</button>${inner}</div>`;
};

let hooked = false;
function purifier() {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
  }
  return DOMPurify;
}

// A finished block is rendered while streaming and again when its message is committed; the cache makes that one parse.
const cache = new Map<string, string>();
const CACHE_LIMIT = 500;

/** Markdown to safe HTML: no raw HTML, no script URLs, links open in a new tab. */
export function renderMarkdown(source: string): string {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const parsed = timed('markdown parse', () => md.render(source));
  const html = timed('DOMPurify', () => purifier().sanitize(parsed, { ADD_ATTR: ['target'] }));
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, html);
  return html;
}
