import { DEFAULT_HUB_HOST } from '../../common/hub';
import type { ModelSpec } from '../../workers/protocol';
import type { MountOptions } from './sdk/types';

export interface SnippetSettings {
  /** The app's origin and path, e.g. `https://typewriter.example/`. */
  appRoot: string;
  spec: ModelSpec | null;
  systemPrompt: string;
  maxTokens: string;
  temperature: string;
}

/** The widget's name for a model spec: 'demo' for the bundled folder, the repo id for the Hub; null if not embeddable. */
export function widgetModel(spec: ModelSpec | null, appRoot: string): { model: string; hubHost?: string } | null {
  if (!spec) return { model: 'demo' };
  const source = spec.source;
  if (source.kind === 'hub') {
    const host = source.host ?? DEFAULT_HUB_HOST;
    return host === DEFAULT_HUB_HOST ? { model: source.id } : { model: source.id, hubHost: host };
  }
  if (source.kind === 'url' && new URL(source.url, appRoot).pathname.endsWith('/models/demo/'))
    return { model: 'demo' };
  // Picked files never leave the user's machine, and a remote server would need its key in the host's page:
  // neither is embedded.
  return null;
}

const number = (raw: string): number | undefined => {
  const value = Number(raw.trim());
  return raw.trim() !== '' && Number.isFinite(value) ? value : undefined;
};

/** The HTML a site owner pastes: the SDK script tag and one mount call with the current model and settings. */
export function buildSnippet(settings: SnippetSettings): { html: string; note: string | null } {
  const target = widgetModel(settings.spec, settings.appRoot);
  const options: MountOptions = {
    model: target?.model ?? 'demo',
    ...(target?.hubHost && { hubHost: target.hubHost }),
    ...(settings.systemPrompt && { systemPrompt: settings.systemPrompt }),
    ...(number(settings.maxTokens) !== undefined && { maxTokens: number(settings.maxTokens) }),
    ...(number(settings.temperature) !== undefined && { temperature: number(settings.temperature) }),
    theme: 'auto',
  };
  const script = new URL('embed/typewriter-embed.js', settings.appRoot).href;
  // JSON is valid JS; escaping "<" keeps a system prompt from closing the script element.
  const json = JSON.stringify(options, null, 2).replace(/</g, '\\u003c');
  const html = [
    '<div id="typewriter"></div>',
    `<script src="${script}"></script>`,
    '<script>',
    `  const typewriter = Typewriter.mount('#typewriter', ${json.replace(/\n/g, '\n  ')});`,
    '</script>',
  ].join('\n');
  const note = target
    ? null
    : settings.spec?.source.kind === 'remote'
      ? 'The widget runs models in the visitor’s browser; a remote server (and its API key) is never put in the snippet, so it uses the demo model.'
      : 'Models picked from local files cannot be embedded; the snippet uses the demo model.';
  return { html, note };
}
