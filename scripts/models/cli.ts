/**
 * npx tsx scripts/models/cli.ts [--out DIR] [--only NAME[,NAME]] [--force]
 *
 * Without --only it generates the models marked generateByDefault: demo and eos-test
 * into public/models (bundled with the app), and the tiny replicas of the catalog
 * models into e2e/.models (served by the mock Hub only, never shipped); --only can
 * also select the full-shape benchmark replicas, which default to bench/models. Up-to-date folders are skipped unless --force is given,
 * so this is cheap enough to run before every build and test.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALL_SPECS, findSpec, type ModelSpec } from './specs';
import { generateModel, type GenerateResult } from './write-model';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

const USAGE = `Usage: npx tsx scripts/models/cli.ts [--out DIR] [--only NAME[,NAME]] [--force]

  --out DIR     output directory (default: each model's own, relative to the repo root:
                ${ALL_SPECS.map((s) => `${s.name} -> ${s.defaultOutDir}`).join(', ')})
  --only NAMES  comma-separated models to generate (default: ${ALL_SPECS.filter((s) => s.generateByDefault)
    .map((s) => s.name)
    .join(', ')})
  --force       regenerate even if the folder is up to date
`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function describe(result: GenerateResult): string {
  const sizes = result.files.map((f) => `${f.path} ${formatBytes(f.bytes)}`).join(', ');
  const status = result.skipped ? 'up to date' : `generated in ${result.seconds.toFixed(1)} s`;
  return `${result.name} (${status}) -> ${result.dir}: ${sizes}`;
}

function main(argv: string[]): number {
  let values: { out?: string; only?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        only: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let specs: ModelSpec[];
  try {
    specs = values.only
      ? values.only.split(',').map((name) => findSpec(name.trim()))
      : ALL_SPECS.filter((s) => s.generateByDefault);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  for (const spec of specs) {
    const outDir = values.out !== undefined ? resolve(values.out) : resolve(REPO_ROOT, spec.defaultOutDir);
    const result = generateModel(spec, outDir, { force: values.force ?? false });
    process.stdout.write(`${describe(result)}\n`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
