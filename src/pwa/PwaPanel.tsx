// The offline/PWA surface the app renders: the header strip and the model manager (side/settings panel).
export { PwaStatusBar } from './PwaStatusBar';
export { ModelManager } from './ModelManager';
export { startPwa } from './start-pwa';
