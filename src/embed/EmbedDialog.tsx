import { useRef, useState } from 'react';
import { useAppStore } from '../state/hooks';
import { buildSnippet } from './snippet';

/** The header's "Embed" button: a dialog with the host snippet for the current model and settings. */
export function EmbedDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const spec = useAppStore((s) => s.model.spec);
  const systemPrompt = useAppStore((s) => s.settings.systemPrompt);
  const maxTokens = useAppStore((s) => s.settings.sampling.maxTokens);
  const temperature = useAppStore((s) => s.settings.sampling.temperature);
  const appRoot = new URL('./', window.location.href).href;
  const { html, note } = buildSnippet({ appRoot, spec, systemPrompt, maxTokens, temperature });

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(html);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused clipboard access; select the text and copy it.');
    }
  };

  return (
    <>
      <button type="button" onClick={() => (setCopied(null), dialog.current?.showModal())}>
        Embed
      </button>
      <dialog ref={dialog} aria-labelledby="embed-dialog-title" className="embed-dialog">
        <h2 id="embed-dialog-title">Embed Typewriter on your site</h2>
        <p>
          Paste this into any page. The model runs in your visitors&apos; browsers; each site keeps its own copy of the
          model, so the first visit on a new site downloads it again.
        </p>
        {note && <p role="note">{note}</p>}
        <textarea aria-label="Embed snippet" readOnly rows={12} cols={80} value={html} spellCheck={false} />
        <p role="status">{copied}</p>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </dialog>
    </>
  );
}
