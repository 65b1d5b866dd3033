// First: the Trusted Types policies must exist before any library touches a script-URL sink.
import './security/trusted-types';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { getAppRuntime, type AppRuntime } from './app-runtime';
import { bundledSpec } from './catalog';
import { createPageApi } from './openai/page-api';
import { createPwaController } from './pwa/pwa-controller';
import { createChatActions } from './state/chat-actions';
import { createIdbPersistence, createMemoryPersistence } from './state/persistence';
import { localBackend, remoteSpec } from './state/settings-slice';
import { FramingRefused, refuseFraming } from './security/framing';

const root = createRoot(document.getElementById('root')!);
const params = new URLSearchParams(location.search);

/** Tests and the curious reach the engine here. */
function expose({ bridge, store }: AppRuntime, extra: Record<string, unknown> = {}): void {
  (window as unknown as { __typewriter: unknown }).__typewriter = { engine: bridge.engine, bridge, store, ...extra };
  // The OpenAI-compatible API for page scripts: new OpenAI({ ..., fetch: typewriter.fetch }) (README).
  (window as unknown as { typewriter: unknown }).typewriter = createPageApi(bridge.apiEngine);
}

if (refuseFraming(params)) {
  // Clickjacking guard for hosts and service-worker answers without frame-ancestors: only the widget may be framed.
  root.render(<FramingRefused />);
} else if (params.has('embed')) {
  // The widget creates the runtime itself, after checking that a worker can run here at all
  // (a sandboxed iframe without allow-same-origin cannot start one, and must say so instead).
  const EmbedApp = lazy(() => import('./embed/widget/EmbedApp').then((m) => ({ default: m.EmbedApp })));
  root.render(
    <StrictMode>
      <Suspense fallback={null}>
        <EmbedApp />
      </Suspense>
    </StrictMode>,
  );
} else if (params.has('harness')) {
  // The engine-only page used by e2e/engine.spec.ts: no UI, and nothing loads by itself.
  // The shared engine behaviour suite is a separate chunk, fetched only here.
  const { runEngineBehaviour } = await import('./engine/engine-behaviour');
  expose(getAppRuntime(), { runEngineBehaviour });
} else {
  const runtime = getAppRuntime();
  const { bridge, store } = runtime;
  expose(runtime);
  const { App } = await import('./App');
  const persistence = typeof indexedDB === 'undefined' ? createMemoryPersistence() : createIdbPersistence();
  const chat = createChatActions(bridge, store, persistence);
  const pwa = createPwaController(runtime);
  root.render(
    <StrictMode>
      <App services={{ bridge, store, chat, pwa }} />
    </StrictMode>,
  );
  // Settings first, so the bundled model loads with the saved backend preference; it works offline.
  await chat.hydrate();
  // Unless the user (or a test) already picked a model while settings were being read.
  if (store.getState().model.spec === null) {
    const { settings } = store.getState();
    // A saved choice of the remote backend reconnects to that server; nothing else ever contacts it.
    const server = settings.backend === 'remote' ? remoteSpec(settings) : null;
    if (server) void bridge.load(server);
    else void bridge.load(bundledSpec(localBackend(settings.backend)), 'Bundled test model');
  }
}
