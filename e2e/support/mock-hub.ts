/**
 * A local stand-in for the Hugging Face Hub, serving the generated models in the Hub's URL layout:
 *   GET  /{org}/{name}/resolve/{revision}/{file}                     (Range supported)
 *   GET  /api/models/{org}/{name}/tree/{revision}?recursive=true     (sizes, git oid, lfs.oid = sha256)
 * Any repo name that starts with a known model name maps to it (`typewriter/demo-cut-42` serves public/models/demo),
 * so each test can use its own repo and its own cache entries.
 * The replicas of the catalog models (scripts/models REPLICA_SPECS, generated into e2e/.models) are served under
 * their real repo ids (`onnx-community/Qwen3-0.6B-ONNX`, or with a `-suffix` for a fresh cache), and their tree
 * listing names the real repo's files: ours with our sizes and hashes, plus the ones we do not generate (Qwen3's
 * int8 and quantized) with the Hub's sizes; those answer 404.
 * Test controls (never on the real Hub):
 *   POST   /__control {repo, file, fault: 'cut'|'html'|'html-octet'|'corrupt', afterBytes?, times?}  arm a fault
 *          ('html-octet' is the HTML page labelled application/octet-stream, as some proxies do)
 *   DELETE /__control                                                                 disarm all, reset counts
 *   GET    /__requests?repo=ORG/NAME                                                  {count, paths}
 * Started by Playwright as a webServer: `npx tsx e2e/support/mock-hub.ts` (port from TW_PORT_BASE, as ports.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, relative, resolve } from 'node:path';
import { REPLICA_SPECS } from '../../scripts/models/specs';
import { HUB_PORT } from './ports';

const MODELS_DIR = resolve(import.meta.dirname, '..', '..', 'public', 'models');
const MODELS: Record<string, string> = { demo: 'demo', 'eos-test': 'eos-test' };
const REPLICAS_DIR = resolve(import.meta.dirname, '..', '.models');

interface Replica {
  readonly folder: string;
  readonly listedOnly: Readonly<Record<string, number>>;
}

/** A replica's real repo id (exactly, or with a `-suffix`) -> its generated folder. */
function replicaOf(repo: string): Replica | null {
  for (const spec of REPLICA_SPECS) {
    if (!spec.hub || (repo !== spec.hub.repoId && !repo.startsWith(`${spec.hub.repoId}-`))) continue;
    return { folder: join(REPLICAS_DIR, spec.name), listedOnly: spec.hub.listedOnly };
  }
  return null;
}

interface Fault {
  repo: string;
  file: string;
  fault: 'cut' | 'html' | 'html-octet' | 'corrupt';
  afterBytes: number;
  times: number;
}

let faults: Fault[] = [];
const requests = new Map<string, string[]>();

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, ETag, X-Linked-Etag, X-Linked-Size, Accept-Ranges',
  // The app is cross-origin isolated (COEP require-corp).
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function folderOf(repo: string): string | null {
  const replica = replicaOf(repo);
  if (replica) return replica.folder;
  const name = repo.split('/')[1] ?? '';
  const base = Object.keys(MODELS)
    .sort((a, b) => b.length - a.length)
    .find((m) => name === m || name.startsWith(`${m}-`));
  return base ? join(MODELS_DIR, MODELS[base] ?? base) : null;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const gitOid = (bytes: Buffer) =>
  createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');

/** Files stored in Git LFS on the Hub: the weights and their external data chunks. */
const isLfs = (path: string) => /\.onnx(_data(_\d+)?)?$/.test(path);

function tree(folder: string, listedOnly: Readonly<Record<string, number>> = {}) {
  const files = listFiles(folder).map((full) => {
    const path = relative(folder, full).split('\\').join('/');
    const bytes = readFileSync(full);
    const lfs = isLfs(path) ? { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } : undefined;
    return { type: 'file', path, size: bytes.length, oid: gitOid(bytes), ...(lfs ? { lfs } : {}) };
  });
  const absent = Object.entries(listedOnly)
    .filter(([path]) => !files.some((f) => f.path === path))
    .map(([path, size]) => {
      const oid = createHash('sha256').update(`typewriter-absent:${path}`).digest('hex');
      return { type: 'file', path, size: 134, oid: oid.slice(0, 40), lfs: { oid, size, pointerSize: 134 } };
    });
  return [...files, ...absent].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...CORS, 'Content-Length': String(bytes.length), ...headers });
  res.end(bytes);
}

function takeFault(repo: string, file: string): Fault | null {
  const fault = faults.find((f) => f.repo === repo && f.file === file && f.times > 0);
  if (fault) fault.times--;
  return fault ?? null;
}

function serveFile(req: IncomingMessage, res: ServerResponse, repo: string, file: string) {
  const folder = folderOf(repo);
  const full = folder ? resolve(folder, file) : null;
  if (!folder || !full || !full.startsWith(folder) || !statSync(full, { throwIfNoEntry: false })?.isFile()) {
    send(res, 404, 'Entry not found', { 'Content-Type': 'text/plain', 'X-Error-Code': 'EntryNotFound' });
    return;
  }
  const fault = takeFault(repo, file);
  if (fault?.fault === 'html' || fault?.fault === 'html-octet') {
    // What a captive portal or a misconfigured proxy answers: a web page with status 200.
    send(res, 200, '<!doctype html><html><body>Sign in to the network</body></html>', {
      'Content-Type': fault.fault === 'html' ? 'text/html; charset=utf-8' : 'application/octet-stream',
    });
    return;
  }
  let bytes = readFileSync(full);
  const etag = isLfs(file) ? sha256(bytes) : gitOid(bytes);
  const headers: Record<string, string> = {
    'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    ETag: `"${etag}"`,
    'Accept-Ranges': 'bytes',
    ...(isLfs(file) ? { 'X-Linked-Etag': `"${etag}"`, 'X-Linked-Size': String(bytes.length) } : {}),
  };
  if (fault?.fault === 'corrupt') {
    bytes = Buffer.from(bytes);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    send(res, 206, req.method === 'HEAD' ? Buffer.alloc(0) : bytes.subarray(start, end + 1), {
      ...headers,
      'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
    });
    return;
  }
  if (fault?.fault === 'cut') {
    // Promise the whole file, send part of it, then drop the connection.
    res.writeHead(200, { ...CORS, ...headers, 'Content-Length': String(bytes.length) });
    res.write(bytes.subarray(0, Math.min(fault.afterBytes, bytes.length - 1)), () => {
      setTimeout(() => res.socket?.destroy(), 50);
    });
    return;
  }
  if (req.method === 'HEAD') {
    res.writeHead(200, { ...CORS, ...headers, 'Content-Length': String(bytes.length) });
    res.end();
    return;
  }
  send(res, 200, bytes, headers);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

function count(repo: string, path: string) {
  requests.set(repo, [...(requests.get(repo) ?? []), path]);
}

export function createMockHub() {
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = decodeURIComponent(url.pathname);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        res.end();
        return;
      }
      if (path === '/__health') return send(res, 200, 'ok');
      if (path === '/__control') {
        if (req.method === 'DELETE') {
          faults = [];
          requests.clear();
          return send(res, 204, '');
        }
        const body = await readJson(req);
        faults.push({
          repo: String(body.repo),
          file: String(body.file),
          fault: body.fault as Fault['fault'],
          afterBytes: Number(body.afterBytes ?? 0),
          times: Number(body.times ?? 1),
        });
        return send(res, 204, '');
      }
      if (path === '/__requests') {
        const list = requests.get(url.searchParams.get('repo') ?? '') ?? [];
        return send(res, 200, JSON.stringify({ count: list.length, paths: list }), {
          'Content-Type': 'application/json',
        });
      }
      const treeMatch = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)\/?$/.exec(path);
      if (treeMatch?.[1]) {
        count(treeMatch[1], path);
        const folder = folderOf(treeMatch[1]);
        if (!folder) return send(res, 404, JSON.stringify({ error: 'Repository not found' }));
        const listing = tree(folder, replicaOf(treeMatch[1])?.listedOnly);
        return send(res, 200, JSON.stringify(listing), { 'Content-Type': 'application/json' });
      }
      const fileMatch = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
      if (fileMatch?.[1] && fileMatch[3]) {
        count(fileMatch[1], req.headers.range ? `${fileMatch[3]} (${req.headers.range})` : fileMatch[3]);
        return serveFile(req, res, fileMatch[1], fileMatch[3]);
      }
      send(res, 404, 'Not found', { 'Content-Type': 'text/plain' });
    })().catch((error: unknown) => {
      send(res, 500, String(error));
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  createMockHub().listen(HUB_PORT, () => process.stdout.write(`mock hub on http://localhost:${HUB_PORT}\n`));
}
