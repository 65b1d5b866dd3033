/**
 * A static server for the update test: it serves one build folder, then another on the same origin,
 * the way a redeploy does. Same headers as `vite preview` (cross-origin isolated, the CSP, 404 for missing files).
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, resolve } from 'node:path';
import { deployPolicies, policyFor } from '../../scripts/csp-plugin';
import { HUB_ORIGIN } from './ports';

/** The deployed CSP, as a static host would send it (README, "Deploying"), with the mock Hub as model host. */
const policies = deployPolicies({
  modelHosts: [HUB_ORIGIN],
  remoteHosts: [],
  frameAncestors: ['*'],
  trustedTypes: true,
});

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.onnx': 'application/octet-stream',
};

export interface SwitchableServer {
  serve(folder: string): void;
  close(): Promise<void>;
}

export async function startStaticServer(port: number, folder: string): Promise<SwitchableServer> {
  let root = resolve(folder);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': policyFor(req.url ?? '/', policies),
    };
    if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('Not found');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(body.length),
    });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(port, done));
  return {
    serve: (next) => {
      root = resolve(next);
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
