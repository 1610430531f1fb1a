// `dashboard`'s Bull Board in a real headless Chromium (Debian's `chromium`): the overview lists the
// operations and sweep queues with their counts, and a failed job's page shows its error. The
// screenshot of that page lands in DASHBOARD_SHOT (default the test's temp dir) for a person to look at.
// Skipped where chromium is absent.

import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serveDashboard } from '../../cli/observability/dashboard.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import { runOperation } from '../../workers/handlers/index.js';
import { connectionOptions } from '../../scheduler/transports/bullmq/connection.js';
import { decodePng } from '../helpers/reports-png.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const chromium = '/usr/bin/chromium';
const withChromium = existsSync(chromium) ? test.serial : test.skip;
const run = promisify(execFile);

/** A private, offline headless run; the virtual-time budget lets the board's fetches land before the dump. */
function flags(profile: string): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, '--virtual-time-budget=15000'];
}

/** The page's visible words, tags stripped. */
function words(dom: string): string {
  return dom.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
}

withChromium('Bull Board lists the queues with their counts and shows a failed job with its error', async (t) => {
  const redisUrl = t.context.redis.url;
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  const ops = new Queue('zos-ops', { connection: connectionOptions(redisUrl) });
  const sweeps = new Queue('zos-sweep', { connection: connectionOptions(redisUrl) });
  const board = await serveDashboard({ redisUrl, queues: ['zos-ops', 'zos-sweep'], port: 0 });
  try {
    // A job whose payload a real worker rejects: it fails with the InputError naming the field.
    await ops.add('deployment.create', { run: 'r1', seq: 1, attempt: 1, nowS: 'soon', op: {} });
    const worker = startJobWorker({ redisUrl, queue: 'zos-ops', validate: validateOperation, run: runOperation });
    await worker.ready();
    await waitUntil('the bad job failed', () => ops.getFailedCount(), { until: (n) => n === 1 });
    await worker.close({ force: true });
    await ops.add('zdb.set', { run: 'r1', seq: 2, attempt: 1, nowS: 0, op: { kind: 'zdb.set' } });
    await ops.add('zdb.get', { run: 'r1', seq: 3, attempt: 1, nowS: 0, op: { kind: 'zdb.get' } }, { delay: 3_600_000 });
    await sweeps.add('point', { seed: 1 });
    await sweeps.add('point', { seed: 2 });

    const overview = words((await run(chromium, [...flags(join(dir, 'profile')), '--dump-dom', board.url], { timeout: 90_000, maxBuffer: 64 * 2 ** 20 })).stdout);
    t.regex(overview, /zos-testbed queues/);
    // Each queue's card: its name, then its counts (zos-ops: 1 failed of 3 jobs; zos-sweep: 2 waiting).
    t.regex(overview, /zos-ops No workers Failed 1 3 Jobs/);
    t.regex(overview, /zos-sweep No workers 2 Jobs/);

    const failedUrl = `${board.url}queue/zos-ops?status=failed`;
    const failed = words((await run(chromium, [...flags(join(dir, 'profile')), '--dump-dom', failedUrl], { timeout: 90_000, maxBuffer: 64 * 2 ** 20 })).stdout);
    t.regex(failed, /#1 deployment\.create/);
    t.regex(failed, /InputError: job 1: field nowS: must be a finite number/);

    const shot = process.env.DASHBOARD_SHOT ?? join(dir, 'dashboard-failed.png');
    await run(chromium, [...flags(join(dir, 'profile')), '--window-size=1280,900', `--screenshot=${shot}`, failedUrl], { timeout: 90_000 });
    const png = decodePng(readFileSync(shot));
    t.is(png.width, 1280);
    t.log(`screenshot ${png.width}×${png.height} at ${shot}`);
  } finally {
    await board.close();
    await ops.obliterate({ force: true });
    await Promise.all([ops.close(), sweeps.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the board answers its API and refuses paths outside its static folder', async (t) => {
  const board = await serveDashboard({ redisUrl: t.context.redis.url, queues: ['zos-api-check'], port: 0 });
  try {
    const api = (await (await fetch(`${board.url}api/queues`)).json()) as { queues: { name: string; counts: Record<string, number> }[] };
    t.deepEqual(api.queues.map((q) => q.name), ['zos-api-check']);
    t.is(api.queues[0]!.counts.failed, 0);
    t.is((await fetch(`${board.url}static/..%2F..%2Fpackage.json`)).status, 404);
    t.is((await fetch(`${board.url}nowhere`)).status, 404);
    t.regex(await (await fetch(board.url)).text(), /<title>zos-testbed queues<\/title>/);
  } finally {
    await board.close();
  }
});
