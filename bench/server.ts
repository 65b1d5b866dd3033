import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.onnx': 'application/octet-stream',
};

/** Headers every response carries: the page is cross-origin isolated, so threads are available per run. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Access-Control-Allow-Origin': '*',
};

export interface BenchServer {
  origin: string;
  /** Bytes sent since the last reset, by mount ('app' or 'models'); proves whether a second load hit the HTTP cache. */
  bytesSent(): { app: number; models: number };
  resetCounters(): void;
  close(): Promise<void>;
}

function resolveInside(root: string, urlPath: string): string | null {
  const path = normalize(join(root, decodeURIComponent(urlPath)));
  return path === root || path.startsWith(root + sep) ? path : null;
}

/**
 * One origin for the built app and the benchmark models (under /bench-models/):
 * uncompressed, with Content-Length and Range, 404 for missing files (transformers.js
 * probes optional files and would parse an HTML fallback as JSON).
 */
export function startServer(port: number, appDir: string, modelsDir: string): Promise<BenchServer> {
  const appRoot = resolve(appDir);
  const modelsRoot = resolve(modelsDir);
  const sent = { app: 0, models: 0 };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isModel = url.pathname.startsWith('/bench-models/');
    const root = isModel ? modelsRoot : appRoot;
    let path = resolveInside(root, isModel ? url.pathname.slice('/bench-models'.length) : url.pathname);
    if (path && !isModel && url.pathname.endsWith('/')) path = join(path, 'index.html');
    let size = -1;
    try {
      if (path) size = statSync(path).isFile() ? statSync(path).size : -1;
    } catch {
      size = -1;
    }
    if (!path || size < 0) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    const headers = {
      ...ISOLATION,
      'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
      'Content-Length': String(Math.max(0, end - start + 1)),
      'Accept-Ranges': 'bytes',
      // Models may come from the HTTP cache on a second load; the app shell is always revalidated. Vite's
      // content-hashed /assets/ never change, as a static host should say: a fresh worker then instantiates
      // ORT's wasm from the HTTP cache, where V8's code cache skips compiling it again.
      'Cache-Control': isModel
        ? 'public, max-age=3600'
        : url.pathname.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    };
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(path, { start, end });
    stream.on('data', (chunk) => (sent[isModel ? 'models' : 'app'] += chunk.length));
    stream.pipe(res);
    res.on('close', () => stream.destroy());
  };

  return new Promise((resolvePromise, reject) => {
    const server: Server = createServer(handle);
    server.once('error', reject);
    server.listen(port, () =>
      resolvePromise({
        origin: `http://localhost:${port}`,
        bytesSent: () => ({ ...sent }),
        resetCounters: () => {
          sent.app = 0;
          sent.models = 0;
        },
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    );
  });
}
