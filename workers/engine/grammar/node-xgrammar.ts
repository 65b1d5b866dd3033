import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XgrammarModule } from './xgrammar-runtime';

/**
 * Tests only: web-xgrammar ships a UMD file in a `"type": "module"` package, which bundlers read
 * as CommonJS but Node's ESM loader cannot. A copy named `.cjs` loads as the CommonJS it is.
 */
export function loadXgrammarInNode(): Promise<XgrammarModule> {
  const require = createRequire(import.meta.url);
  const file = join(mkdtempSync(join(tmpdir(), 'xgrammar-')), 'web-xgrammar.cjs');
  copyFileSync(require.resolve('@mlc-ai/web-xgrammar'), file);
  return Promise.resolve(require(file) as XgrammarModule);
}
