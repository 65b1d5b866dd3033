import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH, QUIET_FLAGS, ROOT_FLAGS, WEBGPU_FLAGS } from '../e2e/support/chromium';

/** measureUserAgentSpecificMemory otherwise waits for the next natural GC (up to 20 s). */
const EAGER_MEMORY = ['--enable-blink-features=ForceEagerMeasureMemory'];

export type BrowserKind = 'wasm' | 'webgpu';

export const launchArgs = (kind: BrowserKind): string[] => [
  ...QUIET_FLAGS,
  ...ROOT_FLAGS,
  ...EAGER_MEMORY,
  ...(kind === 'webgpu' ? WEBGPU_FLAGS : []),
];

/**
 * Two launches of the same Chromium binary: one without WebGPU flags (no adapter, so the
 * real UI's `auto` picks WASM as it would for a user without a GPU) and one with SwiftShader.
 */
export async function launch(kind: BrowserKind): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: launchArgs(kind) });
}

export interface Profile {
  context: BrowserContext;
  /** The profile's browser, for browser-level CDP (renderer CPU time). */
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A new on-disk Chromium profile, as a returning user has. A Playwright context is off the record,
 * and Chrome keeps no code cache there: every page compiles ORT's 27 MB wasm from scratch (~11 s of
 * TurboFan CPU in the background, traced), so a "second visit" in one measures a first visit again.
 * In a profile the second visit deserializes the compiled module (traced: ~1.2 s of TurboFan left).
 * Empty caches when created; service workers blocked, as in `newContext`.
 */
export async function launchProfile(kind: BrowserKind, baseURL: string): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: launchArgs(kind),
    baseURL,
    serviceWorkers: 'block',
  });
  const browser = context.browser();
  if (!browser) throw new Error('a persistent Chromium context has no browser handle');
  return {
    context,
    browser,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh context has an empty HTTP cache; service workers are blocked so they never answer model requests. */
export function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, serviceWorkers: 'block' });
}

/** Main-thread task time of the page so far (CDP Performance.getMetrics `TaskDuration`, seconds). */
export async function openMetrics(page: Page): Promise<{ taskSeconds(): Promise<number>; close(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return {
    async taskSeconds() {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    },
    close: () => cdp.detach(),
  };
}

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Resident memory of the renderer processes of the browsers this Node process launched
 * (Linux /proc; other engineers' Chromiums on the machine are not our descendants).
 * It includes the page, its workers and their WASM heaps.
 */
export function rendererRssBytes(): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const parent = new Map<string, string>();
  for (const pid of pids) {
    const stat = readProc(pid, 'stat');
    const ppid = /\) \S+ (\d+)/.exec(stat)?.[1];
    if (ppid) parent.set(pid, ppid);
  }
  const ours = (pid: string): boolean => {
    for (let p: string | undefined = pid, depth = 0; p && depth < 10; p = parent.get(p), depth++) {
      if (p === String(process.pid)) return true;
    }
    return false;
  };
  let total = 0;
  let found = false;
  for (const pid of pids) {
    if (!readProc(pid, 'cmdline').includes('--type=renderer') || !ours(pid)) continue;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readProc(pid, 'status'));
    if (rss) {
      total += Number(rss[1]) * 1024;
      found = true;
    }
  }
  return found ? total : null;
}

/**
 * Renderer RSS once it has settled: a terminated worker's heaps are freed asynchronously (seconds
 * after `terminate()`, measured here), so this polls until two readings `intervalMs` apart differ by
 * under 1%, or `maxMs` passes. `collect` runs a GC (`PipePage.collectGarbageEverywhere`) before each reading.
 */
export async function settledRendererRssBytes(
  collect: () => Promise<unknown>,
  { intervalMs = 1500, maxMs = 15_000 }: { intervalMs?: number; maxMs?: number } = {},
): Promise<number | null> {
  const deadline = Date.now() + maxMs;
  await collect();
  let previous = rendererRssBytes();
  while (previous !== null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    await collect();
    const now = rendererRssBytes();
    if (now === null) return previous;
    if (Math.abs(now - previous) / previous < 0.01) return now;
    previous = now;
  }
  return previous;
}
