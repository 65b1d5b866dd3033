import type { MountOptions } from './types';

/** The widget's iframe URL: the app root with `?embed` and the options as validated URL parameters. */
export function widgetUrl(appRoot: string, options: MountOptions, hostOrigin: string): URL {
  const url = new URL(options.widgetUrl ?? appRoot);
  url.search = '';
  url.hash = '';
  const params = new URLSearchParams();
  params.set('embed', '');
  const set = (name: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) params.set(name, String(value));
  };
  set('model', options.model);
  set('host', options.hubHost);
  set('system', options.systemPrompt);
  set('prompt', options.prompt);
  set('autostart', options.autostart);
  set('maxTokens', options.maxTokens);
  set('temperature', options.temperature);
  set('theme', options.theme);
  set('input', options.input);
  // The widget obeys only these origins; by default the page that mounts it.
  const allowed = options.allowedOrigins ?? (hostOrigin !== 'null' ? [hostOrigin] : []);
  if (allowed.length > 0) params.set('allowedOrigins', allowed.join(','));
  url.search = params.toString().replace(/^embed=(&|$)/, 'embed$1');
  return url;
}
