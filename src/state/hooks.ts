import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './store';

/** The page's one store, for the chat UI, the PWA views and the embed widget alike. */
export const StoreContext = createContext<AppStore | null>(null);

/** The store itself, for event handlers that read state without subscribing. */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore() needs a <StoreContext.Provider> (see App.tsx and EmbedApp.tsx).');
  return store;
}

/** Subscribes a component to one selection of the app store; it re-renders only when that selection changes. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
