import type { EngineApi } from '../../workers/protocol';
import { getAppBridge, type Bridge } from '../engine/bridge';

/** The page's one bridge: loads go through it so progress, errors and Retry land in the app store. */
export const bridge = (): Bridge => getAppBridge();

export const engine = (): EngineApi => getAppBridge().engine;
