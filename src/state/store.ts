import { createStore, type StoreApi } from 'zustand/vanilla';
import { createChatSlice, type ChatSlice } from './chat-slice';
import { createErrorsSlice, type ErrorsSlice } from './errors-slice';
import { createGenerationSlice, type GenerationSlice } from './generation-slice';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createPwaSlice, type PwaSlice } from './pwa-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import { createWidgetSlice, type WidgetSlice } from './widget-slice';

export type AppState = ModelSlice & GenerationSlice & ChatSlice & SettingsSlice & ErrorsSlice & PwaSlice & WidgetSlice;
export type AppStore = StoreApi<AppState>;

/**
 * The page's one store. The app's composition root (src/app-runtime.ts) makes one and hands it
 * to React through StoreContext; tests make their own. There is no module-level instance.
 */
export function createAppStore(): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...createModelSlice(set, get),
    ...createGenerationSlice(set, get),
    ...createChatSlice(set, get),
    ...createSettingsSlice(set, get),
    ...createErrorsSlice(set, get),
    ...createPwaSlice(set, get),
    ...createWidgetSlice(set, get),
  }));
}
