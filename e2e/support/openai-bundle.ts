import { expect, type BrowserContext, type Frame, type Page } from '@playwright/test';
import { build } from 'vite';
import type OpenAIClient from 'openai';
import type { EngineApi } from '../../workers/protocol';

/**
 * The unmodified official `openai` package (the pinned devDependency), bundled from node_modules as it ships
 * (vite, no changes) and served to a page at a same-origin test URL, for specs that drive the in-page API with it.
 */

const BUNDLE_PATH = '/__test__/openai.mjs';

export type OpenAIModule = { default: typeof OpenAIClient; BadRequestError: typeof OpenAIClient.BadRequestError };
export type PageWindow = Window & {
  typewriter: { fetch: typeof fetch };
  __typewriter: { engine: EngineApi };
  OpenAIModule: OpenAIModule;
};

/** Bundles the package once per spec file (call from `test.beforeAll`). */
export async function bundleOpenAi(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      emptyOutDir: false,
      lib: { entry: `${process.cwd()}/node_modules/openai/index.mjs`, formats: ['es'], fileName: 'openai' },
    },
  });
  const result = Array.isArray(out) ? out[0] : out;
  const chunk = result && 'output' in result ? result.output.find((o) => o.type === 'chunk') : undefined;
  if (!chunk || chunk.type !== 'chunk') throw new Error('Bundling node_modules/openai produced no chunk.');
  return chunk.code;
}

/** Serves the bundle on `origin` and records every request the context makes. */
export async function prepare(context: BrowserContext, origins: string[], bundle: string): Promise<string[]> {
  for (const origin of origins) {
    await context.route(`${origin}${BUNDLE_PATH}`, (route) =>
      route.fulfill({
        body: bundle,
        contentType: 'text/javascript',
        headers: { 'cross-origin-resource-policy': 'same-origin' },
      }),
    );
  }
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

/** Imports the bundle into the page (or frame) as `window.OpenAIModule`. */
export async function loadOpenAi(target: Page | Frame, origin: string): Promise<void> {
  await target.evaluate(async (url) => {
    (window as unknown as PageWindow).OpenAIModule = (await import(url)) as OpenAIModule;
  }, `${origin}${BUNDLE_PATH}`);
}

export function expectOnlyLocalhost(urls: string[]): void {
  expect(urls.length).toBeGreaterThan(0);
  const hosts = new Set(urls.map((u) => new URL(u).hostname));
  expect([...hosts].filter((h) => h !== 'localhost' && h !== '127.0.0.1')).toEqual([]);
}
