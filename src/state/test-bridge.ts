import { createBridge, type Bridge, type BridgeOptions } from '../engine/bridge';
import type { EngineApi } from '../../workers/protocol';
import { connectBridge } from './bridge-sync';
import type { AppStore } from './store';

/**
 * For tests: a bridge over `engine`, wired to `store` the way the app runtime wires it
 * (display settings read from the store, every bridge event applied by bridge-sync).
 */
export function connectedBridge(engine: EngineApi, store: AppStore, options: BridgeOptions = {}): Bridge {
  const bridge = createBridge(engine, { displaySettings: () => store.getState().settings, ...options });
  connectBridge(bridge, store);
  return bridge;
}
