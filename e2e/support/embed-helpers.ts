import { expect, type Frame, type Page } from '@playwright/test';
import type { EmbedDebugHandle } from '../../src/embed/widget/boot';
import type { MountOptions, TypewriterController, TypewriterSdk } from '../../src/embed/sdk/types';
import { APP_ORIGIN, HOST_ORIGIN } from './ports';

/** What the SDK host page keeps in its window during a test. */
export type HostWindow = Window & {
  Typewriter: TypewriterSdk;
  tw: TypewriterController;
  /** Every SDK event, in arrival order. */
  events: { event: string; payload: Record<string, unknown> }[];
  /** Every message event the host page received at all (for "the widget said nothing" checks). */
  received: unknown[];
};

export type WidgetWindow = Window & { __typewriterEmbed: EmbedDebugHandle };

export function widgetSrc(params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `${APP_ORIGIN}/?embed${query ? `&${query}` : ''}`;
}

export function pasteUrl(html: string, origin = HOST_ORIGIN): string {
  return `${origin}/paste?html=${encodeURIComponent(html)}`;
}

/** The widget's frame (the app origin's `/?embed` document), wherever it is nested. */
export async function widgetFrame(page: Page): Promise<Frame> {
  let frame: Frame | undefined;
  await expect
    .poll(() => (frame = page.frames().find((f) => f.url().startsWith(`${APP_ORIGIN}/?embed`))) !== undefined)
    .toBe(true);
  await frame!.waitForFunction(() => (window as unknown as Partial<WidgetWindow>).__typewriterEmbed !== undefined);
  return frame!;
}

export function widgetState(frame: Frame) {
  return frame.evaluate(() => {
    const handle = (window as unknown as WidgetWindow).__typewriterEmbed;
    const { phase, blocked, generations, activeId, model } = handle.state();
    return { phase, blocked, generations, activeId, model, debugLog: [...handle.debugLog] };
  });
}

export async function waitWidgetReady(frame: Frame): Promise<void> {
  await expect
    .poll(async () => ({ ...(await widgetState(frame)), debugLog: [], model: null }), { timeout: 60_000 })
    .toMatchObject({ phase: 'ready', blocked: [] });
}

/** Opens the SDK host page (another origin, not isolated) and mounts the widget; resolves after `ready`. */
export async function mountSdk(page: Page, options: MountOptions = {}) {
  await page.goto(`${HOST_ORIGIN}/sdk.html`);
  return page.evaluate(async (mountOptions) => {
    const w = window as unknown as HostWindow;
    w.events = [];
    w.tw = w.Typewriter.mount('#widget', mountOptions);
    for (const event of ['ready', 'progress', 'token', 'stats', 'done', 'error', 'resize'] as const) {
      w.tw.on(event, (payload) => w.events.push({ event, payload: { ...payload } }));
    }
    return w.tw.ready;
  }, options);
}

export function hostEvents(page: Page, event: string) {
  return page.evaluate(
    (name) => (window as unknown as HostWindow).events.filter((e) => e.event === name).map((e) => e.payload),
    event,
  );
}
