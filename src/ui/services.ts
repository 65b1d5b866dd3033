import { createContext, useContext } from 'react';
import type { Bridge } from '../engine/bridge';
import type { PwaController } from '../pwa/pwa-controller';
import type { ChatActions } from '../state/chat-actions';
import type { AppStore } from '../state/store';

/** What the chat app's views act through; their state comes from the store (StoreContext). */
export interface Services {
  bridge: Bridge;
  store: AppStore;
  chat: ChatActions;
  pwa: PwaController;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() needs a <ServicesContext.Provider> (see App.tsx).');
  return services;
}
