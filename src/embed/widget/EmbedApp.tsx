import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { StoreContext } from '../../state/hooks';
import { getWidget } from './boot';
import { observeHeight } from './resize';
import { WidgetControls } from './WidgetControls';
import { WidgetOutput } from './WidgetOutput';
import { WidgetStatus } from './WidgetStatus';
import './embed.css';

/** The compact widget that `/?embed` renders inside a host page's iframe. */
export function EmbedApp() {
  const widget = getWidget();
  const { store, session, config, channel } = widget;
  const blocked = useStore(store, (s) => s.widget.blocked);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!root.current) return;
    return observeHeight(root.current, (height) => void channel.post('typewriter:resize', { height }));
  }, [channel]);

  return (
    <StoreContext.Provider value={store}>
      <div ref={root} className="tw-embed" data-theme={config?.theme ?? 'auto'}>
        {blocked.length > 0 || !session ? (
          <div className="tw-embed__blocked" role="alert">
            <p>
              <strong>This Typewriter widget cannot start.</strong>
            </p>
            <ul>
              {blocked.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        ) : (
          <>
            <WidgetStatus />
            <WidgetOutput />
            <WidgetControls session={session} showInput={config?.input ?? true} />
          </>
        )}
        <p className="tw-embed__footer">
          <a href={new URL('./', window.location.href).href} target="_blank" rel="noopener noreferrer">
            Powered by Typewriter
          </a>
        </p>
      </div>
    </StoreContext.Provider>
  );
}
