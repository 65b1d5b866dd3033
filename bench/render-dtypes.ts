/**
 * npx tsx bench/render-dtypes.ts [bench/results/<stamp>-dtypes.json]
 *
 * Renders a saved dtype run into bench/results/dtypes-latest.md and the README again, with the
 * policy check computed by today's `common/dtype-policy.ts`: after a policy change the table shows
 * whether `auto` now follows the measurements, without measuring again. Defaults to the newest run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { DtypeMeasure } from './measures/dtypes';
import { renderDtypes, writeDtypeTableIntoReadme } from './report-dtypes';

const RESULTS_DIR = 'bench/results';
const file =
  process.argv[2] ??
  `${RESULTS_DIR}/${
    readdirSync(RESULTS_DIR)
      .filter((f) => f.endsWith('-dtypes.json'))
      .sort()
      .at(-1) ?? ''
  }`;
const rows = JSON.parse(readFileSync(file, 'utf8')) as DtypeMeasure[];
const stamp = /(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)/.exec(file);
const when = stamp ? `${stamp[1]}:${stamp[2]}:${stamp[3]}Z` : file;
for (const row of rows) row.swiftShader ??= row.backend === 'webgpu';
const table = renderDtypes(rows, `#### Latest dtype run (${when}; policy check re-rendered)`);
writeFileSync(`${RESULTS_DIR}/dtypes-latest.md`, `${table}\n`);
console.log(
  writeDtypeTableIntoReadme(table) ? `rendered ${file} into README.md` : 'README.md has no dtype-table markers',
);
