import type { Bridge, BridgeEvent } from '../engine/bridge-types';
import { backendFallback } from './backend-fallback';
import type { AppStore } from './store';

/**
 * The one module that turns bridge events into store updates. Views read the store
 * through selectors; nothing else copies engine state into it.
 */
export function applyBridgeEvent(store: AppStore, bridge: Pick<Bridge, 'load'>, event: BridgeEvent): void {
  const s = store.getState();
  switch (event.type) {
    case 'load-started':
      if (event.dismissError) s.errorDismissed();
      s.loadStarted(event.spec, event.label);
      return;
    case 'load-progress':
      s.loadProgressed(event.progress, event.speed);
      return;
    case 'load-retrying':
      s.loadRetrying(event.retry);
      return;
    case 'load-succeeded':
      s.loadSucceeded(event.result);
      // A load that worked but could not be stored for offline use says so.
      if (event.result.notice) s.errorShown({ name: 'NotStoredOffline', message: event.result.notice });
      return;
    case 'gpu-lost':
      s.errorShown({ name: 'GpuLost', message: `${event.notice}. The answer goes on where it was.` });
      return;
    case 'backend-changed':
      s.loadSucceeded(event.result);
      return;
    case 'load-cancelled':
      s.loadCancelled(event.kept ?? null);
      return;
    case 'load-failed': {
      const { spec, label } = event;
      s.loadFailed(event.kept ?? null);
      s.errorShown(event.error, () => void bridge.load(spec, label), backendFallback(store, bridge, spec, event.error));
      return;
    }
    case 'generation-started':
      s.generationStarted(event.requestId, event.owner);
      return;
    case 'generation-frame':
      s.generationPatched(event.frame);
      return;
    case 'generation-finished':
      s.generationFinished(event.reason, event.text, event.stats);
      return;
    case 'generation-failed':
      s.generationFailed(event.error);
      return;
    case 'control-failed':
      s.errorShown(event.error);
      return;
    case 'engine-crashed': {
      const { spec, label } = event;
      s.modelUnloaded('The engine stopped unexpectedly.');
      s.errorShown(event.error, spec ? () => void bridge.load(spec, label) : null);
      return;
    }
    case 'engine-restarted':
      s.engineRestarted(event.ms);
      return;
  }
}

/** Keeps `store` in step with `bridge` until the returned function is called. */
export function connectBridge(bridge: Bridge, store: AppStore): () => void {
  return bridge.observe((event) => applyBridgeEvent(store, bridge, event));
}
