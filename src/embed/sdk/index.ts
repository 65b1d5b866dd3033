import { mountWidget } from './mount';
import type { MountOptions, TypewriterController, TypewriterSdk } from './types';

export type * from './types';
export type * from '../protocol';
export { TypewriterError } from './generation';

/**
 * Where this script was loaded from, read while it first runs (document.currentScript is null
 * later). The widget is the app root, one level above `embed/typewriter-embed.js`.
 */
const scriptUrl: string | undefined =
  // In the IIFE build import.meta is {} (no url); in the ESM build currentScript is null.
  (typeof document !== 'undefined' && (document.currentScript as HTMLScriptElement | null)?.src) || import.meta.url;

export const protocolVersion = 1;

/** Creates the widget iframe in `element` (an element or a selector) and returns its controller. */
export function mount(element: HTMLElement | string, options: MountOptions = {}): TypewriterController {
  if (!options.widgetUrl && !scriptUrl) {
    throw new Error('Typewriter.mount: cannot tell where the SDK was loaded from; pass options.widgetUrl.');
  }
  return mountWidget(element, options, options.widgetUrl ?? new URL('../', scriptUrl).href);
}

/** The script build's global is this module, so `Typewriter.mount(...)` works in both builds. */
export const Typewriter: TypewriterSdk = { protocolVersion, mount };
