import type { NamedError } from '../../common/error-names';
import type { ModelSpec } from '../../workers/protocol';
import { bundledSpec } from '../catalog';
import type { Bridge } from '../engine/bridge-types';
import type { BannerOffer } from './errors-slice';
import { remoteSpec } from './settings-slice';
import type { AppStore } from './store';

/** The device cannot run this model here: a server could. */
const DEVICE_TOO_WEAK: ReadonlySet<string> = new Set([
  'OutOfMemory',
  'ModelTooLarge',
  'UnsupportedDtype',
  'WebGpuUnavailable',
]);

export const isRemoteError = (error: NamedError) => error.name.startsWith('Remote');

/**
 * The other backend to offer when one fails (the seeds' retry-and-degrade): the bundled local model when the
 * remote server fails, and the configured remote server when this device is too weak for a local model.
 * Null when there is nothing else to offer. Nothing is switched without the user's click.
 */
export function backendFallback(
  store: AppStore,
  bridge: Pick<Bridge, 'load'>,
  spec: ModelSpec | null,
  error: NamedError,
): BannerOffer | null {
  const s = store.getState();
  if (spec?.source.kind === 'remote' || (spec === null && isRemoteError(error))) {
    if (!isRemoteError(error) && error.name !== 'InvalidParams') return null;
    return {
      label: 'Use the local model',
      run: () => {
        s.settingsChanged({ backend: 'auto' });
        void bridge.load(bundledSpec('auto'), 'Bundled test model');
      },
    };
  }
  const server = remoteSpec(s.settings);
  if (!server || !DEVICE_TOO_WEAK.has(error.name) || server.source.kind !== 'remote') return null;
  const host = new URL(server.source.baseUrl, 'http://invalid').host;
  return {
    label: `Use the remote server (${host})`,
    run: () => {
      s.settingsChanged({ backend: 'remote' });
      void bridge.load(server);
    },
  };
}
