import { useEffect, useState } from 'react';
import { EmbedDialog } from './embed/EmbedDialog';
import { DeveloperPanel } from './ui/DeveloperPanel';
import { bundledFallback } from './engine/bridge';
import { PwaStatusBar } from './pwa/PwaStatusBar';
import { StoreContext } from './state/hooks';
import { eventLogFor } from './streams/event-log';
import { BackendBadge } from './ui/BackendBadge';
import { Composer } from './ui/Composer';
import { ConversationList } from './ui/ConversationList';
import { ErrorBanner } from './ui/ErrorBanner';
import { LiveAnnouncer } from './ui/LiveAnnouncer';
import { LoadPanel } from './ui/LoadPanel';
import { ServicesContext, useServices, type Services } from './ui/services';
import { SettingsPanel } from './ui/SettingsPanel';
import { useGenerationShortcuts } from './ui/shortcuts';
import { StatsPanel } from './ui/StatsPanel';
import { Transcript } from './ui/Transcript';
import './ui/styles.css';

type Panel = 'none' | 'chats' | 'settings';

function Header({ panel, setPanel }: { panel: Panel; setPanel: (p: Panel) => void }) {
  const toggle = (p: Panel) => setPanel(panel === p ? 'none' : p);
  return (
    <header className="app-header">
      <div className="brand">
        <span aria-hidden="true">⌨</span> Typewriter
      </div>
      <BackendBadge />
      <div className="header-slots">
        <PwaStatusBar />
        <EmbedDialog />
        <DeveloperPanel />
      </div>
      <nav className="header-actions" aria-label="App">
        <button
          type="button"
          className="only-narrow"
          aria-expanded={panel === 'chats'}
          aria-controls="chats-panel"
          onClick={() => toggle('chats')}
        >
          Chats
        </button>
        <button
          type="button"
          aria-expanded={panel === 'settings'}
          aria-controls="settings-panel"
          onClick={() => toggle('settings')}
        >
          Settings
        </button>
      </nav>
    </header>
  );
}

function ChatsPanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { chat } = useServices();
  return (
    <aside id="chats-panel" className={`side side-left${open ? ' open' : ''}`} aria-label="Conversations">
      <button type="button" className="primary new-chat" onClick={() => void chat.newChat().then(onClose)}>
        New chat
      </button>
      <div className="side-head">
        <h2 className="side-title">Conversations</h2>
        {open && (
          <button type="button" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      <ConversationList />
    </aside>
  );
}

function Shortcuts({ services }: { services: Services }) {
  useGenerationShortcuts(services.bridge, services.store);
  return null;
}

/** The chat app's stream readers: the event log from the first generation on, and the bundled-model fallback. */
function useStreamTools({ bridge }: Services): void {
  eventLogFor(bridge);
  useEffect(() => {
    bridge.setLoadFallback(bundledFallback);
    return () => bridge.setLoadFallback(null);
  }, [bridge]);
}

/** The chat app: conversations on the left, the typewriter in the middle, settings on the right. */
export function App({ services }: { services: Services }) {
  const [panel, setPanel] = useState<Panel>('none');
  useStreamTools(services);
  return (
    <StoreContext.Provider value={services.store}>
      <ServicesContext.Provider value={services}>
        <Shortcuts services={services} />
        <div className={`app panel-${panel}`}>
          <Header panel={panel} setPanel={setPanel} />
          <ChatsPanel open={panel === 'chats'} onClose={() => setPanel('none')} />
          <main className="chat">
            <ErrorBanner />
            <LoadPanel />
            <Transcript />
            <StatsPanel />
            <Composer />
          </main>
          {panel === 'settings' && (
            <aside id="settings-panel" className="side side-right open" aria-label="Settings">
              <div className="side-head">
                <h2 className="side-title">Settings</h2>
                <button type="button" onClick={() => setPanel('none')}>
                  Close
                </button>
              </div>
              <SettingsPanel />
            </aside>
          )}
          <LiveAnnouncer />
        </div>
      </ServicesContext.Provider>
    </StoreContext.Provider>
  );
}
