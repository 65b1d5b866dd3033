import { getAppRuntime } from '../../app-runtime';
import type { Bridge } from '../../engine/bridge';
import { createAppStore, type AppStore } from '../../state/store';
import type { WidgetState } from '../../state/widget-slice';
import { acceptedOrigins } from '../origins';
import { createDebugLog, type DebugLog } from './refusal-log';
import { parseWidgetParams, type WidgetConfig } from './params';
import { createParentChannel, type ParentChannel } from './parent-channel';
import { detectSandbox, SANDBOX_FIX } from './sandbox';
import { WidgetSession } from './session';
import { createApiTunnel } from './api-tunnel';
import { createPageApi } from '../../openai/page-api';

export interface Widget {
  config: WidgetConfig | null;
  /** The page's one store (the runtime's, or a bare one when the widget is blocked). */
  store: AppStore;
  log: DebugLog;
  channel: ParentChannel;
  session: WidgetSession | null;
  bridge: Bridge | null;
}

/** What e2e tests and curious host developers can read from the widget frame. */
export interface EmbedDebugHandle {
  debugLog: DebugLog['entries'];
  state(): WidgetState;
  parentOrigin(): string | null;
  bridge: Bridge | null;
}

let widget: Widget | null = null;

/** The page's one widget, created on first use (React may mount EmbedApp twice in development). */
export function getWidget(): Widget {
  widget ??= bootWidget();
  return widget;
}

function bootWidget(): Widget {
  const log = createDebugLog();
  const parsed = parseWidgetParams(new URLSearchParams(window.location.search));
  const config = parsed.ok ? parsed.config : null;
  let store: AppStore | null = null;
  let session: WidgetSession | null = null;
  let tunnel: ReturnType<typeof createApiTunnel> | null = null;

  const framed = window.parent !== window;
  const channel = createParentChannel({
    self: window,
    parent: framed ? window.parent : null,
    accepted: acceptedOrigins(config?.allowedOrigins ?? null, window.location.origin),
    hints: { ancestorOrigin: window.location.ancestorOrigins?.[0] ?? null, referrer: document.referrer },
    log,
    onCommand(command) {
      if (tunnel && (command.type === 'typewriter:fetch' || command.type === 'typewriter:fetch-abort')) {
        return tunnel.handle(command);
      }
      if (session) return session.handle(command);
      const message = `The widget cannot run: ${widgetStore.getState().widget.blocked.join(' ')}`;
      log.record({ kind: 'config', detail: `${command.type} ignored: ${message}` });
      channel.post('typewriter:error', {
        ...(command.id !== undefined && { id: command.id }),
        name: 'InvalidConfig',
        message,
      });
    },
  });

  const blocked = parsed.ok ? [] : parsed.problems.map((p) => `${p.param}: ${p.message}`);
  const sandboxed = detectSandbox(window.origin);
  if (sandboxed) blocked.push(sandboxed);

  let bridge: Bridge | null = null;
  if (blocked.length === 0 && config) {
    try {
      ({ bridge, store } = getAppRuntime());
    } catch {
      // A same-origin module Worker is refused in an opaque origin even when storage works.
      blocked.push(SANDBOX_FIX);
    }
  }

  const widgetStore: AppStore = store ?? createAppStore();
  if (bridge && config) {
    session = new WidgetSession({
      bridge,
      config,
      store: widgetStore,
      log,
      post: (type, payload) => channel.post(type, payload),
    });
    session.start();
    // The SDK's `fetch`: the same OpenAI-compatible handler as the app's `window.typewriter.fetch`.
    tunnel = createApiTunnel(createPageApi(bridge.apiEngine).fetch, (type, payload) => channel.post(type, payload));
  } else {
    widgetStore.getState().widgetChanged({ phase: 'blocked', blocked });
    const name = sandboxed ? 'Sandboxed' : 'InvalidConfig';
    log.record({ kind: sandboxed ? 'sandbox' : 'config', detail: blocked.join(' ') });
    channel.post('typewriter:error', { name, message: blocked.join(' ') });
  }

  const debug: EmbedDebugHandle = {
    debugLog: log.entries,
    state: () => widgetStore.getState().widget,
    parentOrigin: () => channel.targetOrigin(),
    bridge,
  };
  (window as unknown as { __typewriterEmbed: EmbedDebugHandle }).__typewriterEmbed = debug;
  return { config, store: widgetStore, log, channel, session, bridge };
}
