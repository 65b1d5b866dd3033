import { useRef, useState } from 'react';
import { buildApiSnippet } from '../openai/snippet';
import { useAppStore } from '../state/hooks';

/**
 * The header's "Developer" button: the OpenAI-compatible API (window.typewriter.fetch) with a
 * copy-ready snippet for the model loaded now.
 */
export function DeveloperPanel() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const modelId = useAppStore((s) => s.model.result?.modelId ?? null);
  const { code, note } = buildApiSnippet(modelId);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused clipboard access; select the text and copy it.');
    }
  };

  return (
    <>
      <button type="button" onClick={() => (setCopied(null), dialog.current?.showModal())}>
        Developer
      </button>
      <dialog ref={dialog} aria-labelledby="developer-dialog-title" className="embed-dialog">
        <h2 id="developer-dialog-title">OpenAI-compatible API</h2>
        <p>
          This page answers <code>POST /v1/chat/completions</code> and <code>GET /v1/models</code> through{' '}
          <code>window.typewriter.fetch</code>, for the official <code>openai</code> package or any client that takes a{' '}
          <code>fetch</code>. The model runs here; no request leaves the page. On another site, the embed SDK&apos;s{' '}
          <code>Typewriter.mount(…).fetch</code> does the same through the widget.
        </p>
        {note && <p role="note">{note}</p>}
        <textarea aria-label="API snippet" readOnly rows={14} cols={80} value={code} spellCheck={false} />
        <p role="status">{copied}</p>
        <button type="button" aria-label="Copy API snippet" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </dialog>
    </>
  );
}
