/**
 * Shared helpers for the model generator tests (not a test file itself).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { env } from '@huggingface/transformers';
import { findSpec } from './specs';
import { generateModel } from './write-model';

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `typewriter-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Generates the named models into a fresh temp dir and returns it. */
export function generateIntoTemp(prefix: string, names: readonly string[]): string {
  const dir = makeTempDir(prefix);
  for (const name of names) generateModel(findSpec(name), dir, { force: true });
  return dir;
}

/** sha256 of every file below `dir`, keyed by relative path. */
export function hashTree(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else result[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return result;
}

/** Points transformers.js at a local folder of generated models, with no network access. */
export function useLocalModels(dir: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dir}/`;
}

export interface ModelConfigJson {
  readonly vocab_size: number;
  readonly num_hidden_layers: number;
  readonly num_key_value_heads: number;
  readonly head_dim: number;
  readonly eos_token_id: number;
  readonly typewriter: { readonly tokenizerTokens: number; readonly eos: { readonly position?: number } };
}

export function readConfig(dir: string, name: string): ModelConfigJson {
  return JSON.parse(readFileSync(join(dir, name, 'config.json'), 'utf8')) as ModelConfigJson;
}

/** Deterministic pseudo-random token ids in [3, limit), skipping the special tokens 0..2. */
export function pseudoRandomIds(count: number, limit: number, seed: number): number[] {
  const ids: number[] = [];
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    ids.push(3 + (state % (limit - 3)));
  }
  return ids;
}
