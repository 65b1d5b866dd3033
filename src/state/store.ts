import { createStore, type StoreApi } from 'zustand/vanilla';
import { createChatSlice, type ChatSlice } from './chat-slice';
import { createErrorsSlice, type ErrorsSlice } from './errors-slice';
import { createGenerationSlice, type GenerationSlice } from './generation-slice';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';

export type AppState = ModelSlice & GenerationSlice & ChatSlice & SettingsSlice & ErrorsSlice;
export type AppStore = StoreApi<AppState>;

/** A fresh store; tests make their own, the app uses `appStore`. */
export function createAppStore(): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...createModelSlice(set, get),
    ...createGenerationSlice(set, get),
    ...createChatSlice(set, get),
    ...createSettingsSlice(set, get),
    ...createErrorsSlice(set, get),
  }));
}

/** The page's one store, shared by the chat app, the embed widget and the PWA panel. */
export const appStore: AppStore = createAppStore();
