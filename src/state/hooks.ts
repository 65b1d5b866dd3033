import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { appStore, type AppState, type AppStore } from './store';

/** Lets component tests (and a second widget on the page) supply their own store. */
export const StoreContext = createContext<AppStore>(appStore);

/** Subscribes a component to one selection of the app store; it re-renders only when that selection changes. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useContext(StoreContext), selector);
}

/** The store itself, for event handlers that read state without subscribing. */
export function useAppStoreApi(): AppStore {
  return useContext(StoreContext);
}
