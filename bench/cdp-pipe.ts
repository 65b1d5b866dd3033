import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_PATH } from '../e2e/support/chromium';
import { launchArgs } from './browser';

/**
 * Chromium driven over a raw DevTools pipe, for memory readings. Playwright enables the Network
 * domain on every page and worker, and DevTools then keeps each response body in the renderer so
 * that `Network.getResponseBody` can answer: measured here, ~1.4× every fetched model file stayed in
 * the renderer's ArrayBuffer partition (`fetch().arrayBuffer()` of a 4.2 MB file, dropped, GC'd:
 * +5.7 MB a fetch, still there after 30 s; with no Network domain enabled, +0). A user's browser has
 * no DevTools attached, so memory is read from a session that enables nothing but what it uses.
 */

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: unknown;
  error?: { message: string };
}

type Send = (method: string, params?: object, sessionId?: string) => Promise<Record<string, unknown>>;

export interface PipePage {
  /** Runs `fn(arg)` in the page (serialised with `toString`, so it must not close over anything). */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<Awaited<R>>;
  waitFor(fn: () => unknown, timeoutMs?: number): Promise<void>;
  /** Full GC in the page and in each of its dedicated workers; the number of workers reached. */
  collectGarbageEverywhere(): Promise<{ workers: number }>;
  /** The page's used JS heap (`Runtime.getHeapUsage`), bytes. */
  jsHeapBytes(): Promise<number>;
  /** URLs of every dedicated worker the page started since it was opened, in order. */
  workerUrls(): string[];
  close(): Promise<void>;
}

export interface PipeBrowser {
  open(url: string): Promise<PipePage>;
  close(): Promise<void>;
}

/** Flags Playwright passes that change how a headless page is scheduled; kept so both harnesses run alike. */
const SCHEDULING_FLAGS = [
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-dev-shm-usage',
];

/** A new on-disk profile (code cache on, as for a returning user), headless, WASM only. */
export async function launchPipeProfile(): Promise<PipeBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-pipe-'));
  const chrome = spawn(
    CHROMIUM_PATH,
    [
      ...launchArgs('wasm'),
      ...SCHEDULING_FLAGS,
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${dir}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const toChrome = chrome.stdio[3] as Writable;
  const fromChrome = chrome.stdio[4] as Readable;
  const replies = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  const listeners = new Set<(message: Message) => void>();
  let nextId = 0;
  let pending = '';
  fromChrome.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    for (let end = pending.indexOf('\0'); end >= 0; end = pending.indexOf('\0')) {
      const message = JSON.parse(pending.slice(0, end)) as Message;
      pending = pending.slice(end + 1);
      const reply = message.id === undefined ? undefined : replies.get(message.id);
      if (reply && message.id !== undefined) {
        replies.delete(message.id);
        if (message.error) reply.reject(new Error(`CDP: ${message.error.message}`));
        else reply.resolve((message.result ?? {}) as Record<string, unknown>);
      } else for (const listener of listeners) listener(message);
    }
  });
  const exited = new Promise<void>((resolve) => chrome.once('exit', () => resolve()));
  const send: Send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      replies.set(id, { resolve, reject });
      toChrome.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });

  return {
    async open(url) {
      const { targetId } = await send('Target.createTarget', { url });
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      const page = await openPage(send, listeners, sessionId);
      return { ...page, close: () => send('Target.closeTarget', { targetId }).then(() => undefined) };
    },
    async close() {
      await Promise.race([send('Browser.close').catch(() => undefined), exited]);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      chrome.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPage(
  send: Send,
  listeners: Set<(m: Message) => void>,
  pageSession: string,
): Promise<Omit<PipePage, 'close'>> {
  const workers = new Set<string>();
  const started: string[] = [];
  listeners.add((message) => {
    const params = message.params as { sessionId?: string; targetInfo?: { type: string; url: string } } | undefined;
    if (message.sessionId !== pageSession || !params?.sessionId) return;
    if (message.method === 'Target.attachedToTarget' && params.targetInfo?.type === 'worker') {
      workers.add(params.sessionId);
      started.push(params.targetInfo.url);
    }
    if (message.method === 'Target.detachedFromTarget') workers.delete(params.sessionId);
  });
  // Attached, not instrumented: no domain is enabled in the workers, so nothing is recorded there.
  await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, pageSession);

  const evaluate = async <A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<Awaited<R>> => {
    const { result, exceptionDetails } = (await send(
      'Runtime.evaluate',
      { expression: `(${fn.toString()})(${JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true },
      pageSession,
    )) as { result?: { value?: unknown }; exceptionDetails?: { exception?: { description?: string }; text: string } };
    if (exceptionDetails)
      throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result?.value as Awaited<R>;
  };

  return {
    evaluate,
    async waitFor(fn, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Before the document exists there is no execution context to evaluate in.
        if (await evaluate(fn, undefined).catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${fn.toString()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async collectGarbageEverywhere() {
      await send('HeapProfiler.collectGarbage', {}, pageSession);
      const reached = [...workers];
      await Promise.all(reached.map((id) => send('HeapProfiler.collectGarbage', {}, id).catch(() => undefined)));
      return { workers: reached.length };
    },
    async jsHeapBytes() {
      const { usedSize } = (await send('Runtime.getHeapUsage', {}, pageSession)) as { usedSize: number };
      return usedSize;
    },
    workerUrls: () => [...started],
  };
}
