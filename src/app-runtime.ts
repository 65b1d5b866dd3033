import { createBridge, type Bridge } from './engine/bridge';
import { createRemoteEngine } from './engine/remote/remote-engine';
import { createRoutedEngine } from './engine/routed-engine';
import { createWorkerEngine } from './engine/worker-engine';
import { connectBridge } from './state/bridge-sync';
import { createAppStore, type AppStore } from './state/store';
import { debugRequested } from './streams/console-trace';

/** The page's engine client and its one store, wired together. */
export interface AppRuntime {
  bridge: Bridge;
  store: AppStore;
}

/** Makes the runtime over any bridge factory (tests pass a FakeEngine-backed one). */
export function createAppRuntime(makeBridge: (store: AppStore) => Bridge): AppRuntime {
  const store = createAppStore();
  const bridge = makeBridge(store);
  connectBridge(bridge, store);
  return { bridge, store };
}

let runtime: AppRuntime | null = null;

/**
 * The composition root: the real worker engine, the bridge and the store, created on first use
 * (the embed widget first checks that a worker can run at all). The chat app, the widget and the
 * PWA code all receive these from here, never from a module-level singleton of their own.
 */
export function getAppRuntime(): AppRuntime {
  const urlDebug = debugRequested(location.search);
  // A switch keeps the worker. A fresh worker per switch would give the old WASM heap back, but in a
  // real Chromium profile (where V8's code cache serves ORT's compiled wasm to each new worker) the
  // renderer kept ~300 MB per restart, 1.6 GB after 6 switches of the 4 MB demo models, against +6%
  // with one worker (`npm run bench:page`; a Playwright context has no code cache and showed neither).
  // `?restart-worker` restarts it on each switch, for the bench to compare.
  const restartOnSwitch = new URLSearchParams(location.search).has('restart-worker');
  runtime ??= createAppRuntime((store) =>
    createBridge(
      createRoutedEngine(
        createWorkerEngine(),
        // The key is read when a request is sent, so it never travels in a spec, an event or a log.
        createRemoteEngine({ apiKey: () => store.getState().settings.remoteApiKey }),
      ),
      {
        debug: () => urlDebug || store.getState().settings.debug,
        displaySettings: () => store.getState().settings,
        restartOnSwitch,
      },
    ),
  );
  return runtime;
}
