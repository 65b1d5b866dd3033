import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { bundledSpec } from './catalog';
import { getAppBridge } from './engine/bridge';
import { createChatActions } from './state/chat-actions';
import { createIdbPersistence, createMemoryPersistence } from './state/persistence';

const root = createRoot(document.getElementById('root')!);
const bridge = getAppBridge();
const { engine, store } = bridge;
(window as unknown as { __typewriter: unknown }).__typewriter = { engine, bridge, store };

const params = new URLSearchParams(location.search);
if (params.has('harness')) {
  // The engine-only page used by e2e/engine.spec.ts: no UI, and nothing loads by itself.
} else if (params.has('embed')) {
  const EmbedApp = lazy(() => import('./embed/widget/EmbedApp').then((m) => ({ default: m.EmbedApp })));
  root.render(
    <StrictMode>
      <Suspense fallback={null}>
        <EmbedApp />
      </Suspense>
    </StrictMode>,
  );
} else {
  const { App } = await import('./App');
  const persistence = typeof indexedDB === 'undefined' ? createMemoryPersistence() : createIdbPersistence();
  const chat = createChatActions(bridge, persistence);
  root.render(
    <StrictMode>
      <App services={{ bridge, chat }} />
    </StrictMode>,
  );
  // Settings first, so the bundled model loads with the saved backend preference; it works offline.
  await chat.hydrate();
  void bridge.load(bundledSpec(store.getState().settings.backend), 'Bundled test model');
}
