import { describe, expect, it, vi } from 'vitest';
import type { ModelSpec } from '../../workers/protocol';
import { backendFallback } from './backend-fallback';
import { applyBridgeEvent } from './bridge-sync';
import { createAppStore } from './store';

const REMOTE: ModelSpec = { source: { kind: 'remote', baseUrl: 'http://gpu-box.lan:8000/v1', model: 'big' } };
const LOCAL: ModelSpec = { source: { kind: 'hub', id: 'onnx-community/Qwen3-0.6B-ONNX' }, dtype: 'fp32' };

function setup(remoteConfigured: boolean) {
  const store = createAppStore();
  if (remoteConfigured)
    store.getState().settingsChanged({ remoteBaseUrl: 'http://gpu-box.lan:8000/v1', remoteModel: 'big' });
  const bridge = { load: vi.fn(async () => ({ ok: true }) as never) };
  const fail = (spec: ModelSpec, name: string) =>
    applyBridgeEvent(store, bridge, { type: 'load-failed', spec, label: 'x', error: { name, message: 'm' } });
  return { store, bridge, fail, offer: () => store.getState().errors.banner?.offer ?? null };
}

describe('fallback between the remote server and the local model', () => {
  it('offers the local model when the remote server fails, and loads it on click', () => {
    const { store, bridge, fail, offer } = setup(true);
    store.getState().settingsChanged({ backend: 'remote' });
    fail(REMOTE, 'RemoteUnreachable');
    expect(offer()?.label).toBe('Use the local model');
    offer()?.run();
    expect(bridge.load).toHaveBeenCalledWith(
      expect.objectContaining({ source: expect.objectContaining({ kind: 'url' }) }),
      'Bundled test model',
    );
    expect(store.getState().settings.backend).toBe('auto');
  });

  it('offers the configured server when this device is too weak for the model, and nothing otherwise', () => {
    const { store, bridge, fail, offer } = setup(true);
    fail(LOCAL, 'OutOfMemory');
    expect(offer()?.label).toBe('Use the remote server (gpu-box.lan:8000)');
    offer()?.run();
    expect(bridge.load).toHaveBeenCalledWith(REMOTE);
    expect(store.getState().settings.backend).toBe('remote');
    // A network failure is not the device's fault: Retry, not another backend.
    fail(LOCAL, 'NetworkError');
    expect(offer()).toBeNull();
    const unconfigured = setup(false);
    unconfigured.fail(LOCAL, 'ModelTooLarge');
    expect(unconfigured.offer()).toBeNull();
  });

  it('offers the local model when the server fails mid-answer, and nothing for a local engine error', () => {
    const { store, bridge } = setup(true);
    const offer = backendFallback(store, bridge, null, { name: 'RemoteStreamCut', message: 'cut' });
    expect(offer?.label).toBe('Use the local model');
    expect(backendFallback(store, bridge, null, { name: 'GenerationError', message: 'x' })).toBeNull();
  });
});
