// `npm test` includes the type check: the whole project (sources, tests, benchmarks) under the strict
// tsconfig, as `npm run typecheck` runs it. The diagnostics are the failure message.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers/cli.js';

test('tsc --noEmit reports no error', (t) => {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['--noEmit', '-p', repoRoot], { cwd: repoRoot, encoding: 'utf8' });
  t.is(r.status, 0, `tsc --noEmit:\n${r.stdout}${r.stderr}`);
});
