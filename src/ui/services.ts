import { createContext, useContext } from 'react';
import type { Bridge } from '../engine/bridge';
import type { ChatActions } from '../state/chat-actions';

export interface Services {
  bridge: Bridge;
  chat: ChatActions;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() needs a <ServicesContext.Provider> (see App.tsx).');
  return services;
}
