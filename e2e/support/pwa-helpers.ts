import type { Page } from '@playwright/test';
import type { LoadResult, ModelSpec, StreamEvent } from '../../workers/protocol';
import { HUB_ORIGIN } from './ports';

export const MODEL_CACHE = 'typewriter-models-v1';

/** A repo of its own per test, so cache entries and request counts never mix between tests. */
export const uniqueRepo = (label: string) => `typewriter/demo-${label}-${Date.now().toString(36)}`;

export const hubSpec = (id: string, host = HUB_ORIGIN): ModelSpec => ({ source: { kind: 'hub', id, host } });

export async function hubControl(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${HUB_ORIGIN}/__control`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`mock hub control failed: ${response.status}`);
}

export async function hubRequests(repo: string): Promise<string[]> {
  const response = await fetch(`${HUB_ORIGIN}/__requests?repo=${encodeURIComponent(repo)}`);
  return ((await response.json()) as { paths: string[] }).paths;
}

/** Waits until a service worker controls the page; returns how long it took. */
export async function waitForController(page: Page, timeoutMs = 10_000): Promise<number> {
  return page.evaluate(async (timeout) => {
    const started = performance.now();
    await Promise.race([
      (async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller)
          await new Promise((done) =>
            navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }),
          );
      })(),
      new Promise((_, fail) => setTimeout(() => fail(new Error('no controlling service worker')), timeout)),
    ]);
    return performance.now() - started;
  }, timeoutMs);
}

type Outcome = { ok: true; result: LoadResult } | { ok: false; name: string; message: string };

/** Loads through the engine directly, to see its named error. */
export function engineLoad(page: Page, spec: ModelSpec): Promise<Outcome> {
  return page.evaluate(async (s) => {
    const tw = (window as unknown as { __typewriter: { engine: { load(s: unknown): Promise<LoadResult> } } })
      .__typewriter;
    try {
      return { ok: true as const, result: await tw.engine.load(s) };
    } catch (error) {
      const e = error as Error;
      return { ok: false as const, name: e.name, message: e.message };
    }
  }, spec);
}

/** Loads through the app's bridge, so the store (offline indicator, persistence, Retry) sees it. */
export async function bridgeLoad(page: Page, spec: ModelSpec): Promise<LoadResult | null> {
  return page.evaluate(async (s) => {
    const tw = (
      window as unknown as {
        __typewriter: { bridge: { load(s: unknown): Promise<{ ok: true; result: LoadResult } | { ok: false }> } };
      }
    ).__typewriter;
    const outcome = await tw.bridge.load(s);
    return outcome.ok ? outcome.result : null;
  }, spec);
}

/** Generates through the engine and returns the token ids and the finish reason. */
export function generateTokens(page: Page, maxTokens: number): Promise<{ ids: number[]; reason: string | null }> {
  return page.evaluate(async (max) => {
    const tw = (
      window as unknown as {
        __typewriter: { engine: { generate(r: unknown): Promise<ReadableStream<StreamEvent>> } };
      }
    ).__typewriter;
    const stream = await tw.engine.generate({ prompt: 'Once upon a time', maxTokens: max, temperature: 0 });
    const ids: number[] = [];
    let reason: string | null = null;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'token') ids.push(value.id);
      if (value.type === 'done') reason = value.reason;
      if (value.type === 'error') throw new Error(`${value.name}: ${value.message}`);
    }
    return { ids, reason };
  }, maxTokens);
}

/** Every cache and the URLs it holds. */
export function cacheContents(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    }
    return out;
  });
}

export async function modelCacheUrls(page: Page): Promise<string[]> {
  return (await cacheContents(page))[MODEL_CACHE] ?? [];
}
