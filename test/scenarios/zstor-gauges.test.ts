// The zstor columns of timeseries.csv carry the run's real figures: a lost backend shows degraded
// objects while the repair sweep has not yet rebuilt them, and none once it has.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

test('zstor-backend-lost: degraded objects rise during the outage and are back to 0 at the end', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zt-zstor-gauges-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const r = await cli('run', 'zstor-backend-lost', '--seed', '3', '--out', dir, '--json');
  t.is(r.code, 0, r.stderr);
  const [header, ...rows] = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const column = header!.indexOf('zstorObjectsDegradedCountMax');
  t.true(column >= 0);
  const degraded = rows.map((row) => Number(row[column]));
  t.true(Math.max(...degraded) > 0, 'some objects were degraded while the backend was lost');
  t.is(degraded.at(-1), 0, 'the repair sweep restored them');
});
