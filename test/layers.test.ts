// Keeps the README's layer table (## Layout) true: no import against its arrows and no import cycle, in any folder.
// Also proves the checker can fail, on a synthetic set of files; the rules themselves live in helpers/layers.ts.

import test from 'ava';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import {
  extractImports,
  findCycle,
  findViolations,
  formatViolations,
  importEdges,
  layerTable,
  parseLayerTable,
  scanSources,
  type ImportEdge,
  type SourceFile,
} from './helpers/layers.js';
import { projectPath } from '../sim/project-files.js';

const root = projectPath('').replace(/\/$/, '');
const folders = layerTable.map((rule) => rule.folder);

let scanned: ImportEdge[] | undefined;

/** The repository's imports, scanned once for both checks. */
function repoEdges(): ImportEdge[] {
  scanned ??= importEdges(scanSources(root, folders), (path) => existsSync(posix.join(root, path)));
  return scanned;
}

test('no import points against the layer table', (t) => {
  const violations = findViolations(repoEdges());
  t.deepEqual(violations, [], `imports against DESIGN.md's layer table:\n${formatViolations(violations)}`);
});

test('no import cycle among source files', (t) => {
  const cycle = findCycle(repoEdges());
  t.is(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
});

test("the README's layer table parses into the rules the design sets", (t) => {
  // The design's arrows, written out once here: if the README's table is reworded so that it parses
  // into something else, this says so rather than silently checking weaker rules.
  t.deepEqual(layerTable, [
    { folder: 'hardware-profiles', mayImport: [] },
    { folder: 'sim', mayImport: ['hardware-profiles'] },
    { folder: 'workers', mayImport: ['sim', 'hardware-profiles'] },
    { folder: 'scheduler', mayImport: ['workers', 'hardware-profiles'] },
    { folder: 'scenarios', mayImport: ['scheduler', 'workers', 'sim', 'hardware-profiles'] },
    { folder: 'reports', mayImport: ['scenarios', 'scheduler', 'workers', 'sim', 'hardware-profiles'] },
    { folder: 'cli', mayImport: ['reports', 'scenarios', 'scheduler', 'workers', 'sim', 'hardware-profiles'] },
    { folder: 'bench', mayImport: 'anything' },
    { folder: 'test', mayImport: 'anything' },
  ]);
});

test('a README without the table, or with a row naming no folder, fails loudly', (t) => {
  t.throws(() => parseLayerTable('# nothing here\n'), { message: /no '## Layout' section/ });
  const bad = ['## Layout', '| folder | what | may import |', '|---|---|---|', '| sim | no backticks | — |'].join('\n');
  t.throws(() => parseLayerTable(bad), { message: /names no folder/ });
});

// Written as joined strings, not template literals, so that the scanner never reads them as this file's imports.
const synthetic: SourceFile[] = [
  { path: 'sim/engine/clock.ts', text: ["import { render } from '../../cli/render.js';", "import type { Job } from '../../workers/job.js';"].join('\n') },
  { path: 'cli/render.ts', text: "import { Queue } from 'bullmq';" },
  { path: 'workers/job.ts', text: "export { a } from './a.js';" },
  { path: 'workers/a.ts', text: ['// a comment', "const lazy = () => import('./b.js');"].join('\n') },
  { path: 'workers/b.ts', text: ['import {', '  job,', "} from './job.js';"].join('\n') },
  { path: 'test/anything.test.ts', text: "import { render } from '../cli/render.js';" },
];

test('the checker reports imports against the arrows with file:line → target', (t) => {
  const report = formatViolations(findViolations(importEdges(synthetic)));
  t.is(
    report,
    ['sim/engine/clock.ts:1 → cli/render.ts (sim/ may not import cli/)', 'sim/engine/clock.ts:2 → workers/job.ts (sim/ may not import workers/)'].join('\n'),
  );
});

test('the checker finds an import cycle through export-from, dynamic and multi-line imports', (t) => {
  t.deepEqual(findCycle(importEdges(synthetic)), ['workers/job.ts', 'workers/a.ts', 'workers/b.ts', 'workers/job.ts']);
  t.is(findCycle(importEdges(synthetic.filter((file) => file.path !== 'workers/b.ts'))), undefined);
});

test('the checker ignores packages and commented-out imports, and flags folders outside the table', (t) => {
  const text = ["import { Queue } from 'bullmq';", "// import { x } from './x.js';", " * see import('./y.js')", "import pkg from '../package.json';"].join('\n');
  t.deepEqual(extractImports(text), [{ specifier: '../package.json', line: 4 }]);
  const violations = findViolations(importEdges([{ path: 'cli/version.ts', text }]));
  t.deepEqual(violations.map((v) => v.reason), ['package.json is not a folder of the layer table']);
});
