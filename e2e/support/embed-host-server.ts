/**
 * A plain static server for embed tests: a host site on another origin than the app (HOST_PORT),
 * deliberately NOT cross-origin isolated (no COOP/COEP), as most sites that embed the widget.
 * It answers on every interface, so http://127.0.0.1:HOST_PORT is a second, different origin.
 *   /blank.html       an empty page
 *   /sdk.html         loads the SDK script from the app origin, with a #widget container
 *   /paste?html=…     serves the given HTML (a pasted snippet, nested frames)
 */
import { createServer } from 'node:http';
import { APP_ORIGIN, HOST_PORT } from './ports';

const page = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>${body}</body></html>`;

const pages: Record<string, () => string> = {
  '/blank.html': () => page(''),
  '/sdk.html': () => page(`<div id="widget"></div><script src="${APP_ORIGIN}/embed/typewriter-embed.js"></script>`),
};

createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://host.invalid');
  const html = url.pathname === '/paste' ? url.searchParams.get('html') : pages[url.pathname]?.();
  if (html == null) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}).listen(HOST_PORT, () => console.log(`embed host server on :${HOST_PORT}`));
