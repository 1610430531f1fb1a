// The commands that use Redis, when Redis or its workers are not there (issue 11): nothing listening
// exits 2 at once naming --redis and the address; a queue nobody serves says so every few seconds,
// and --timeout ends the wait with exit 1 naming what was left.
import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepQueueName } from '../../scenarios/sweep-queue.js';
import { cli, repoRoot, spawnCli, stackFrame } from '../helpers/cli.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const dir = mkdtempSync(join(tmpdir(), 'redis-failures-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const nothing = 'redis://127.0.0.1:1';
const faults = join(repoRoot, 'scenarios', 'ops', 'faults.json');
const refused = /field --redis: cannot connect to redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/;

const unreachable: Array<[string, string[]]> = [
  ['apply --transport bullmq', ['apply', faults, '--transport', 'bullmq', '--redis', nothing]],
  ['sweep', ['sweep', 'farm-partition', '--param', 'durationS=1h', '--seeds', '1', '--redis', nothing, '--out', join(dir, 'never')]],
  ['worker', ['worker', '--redis', nothing]],
  ['sweep --serve', ['sweep', '--serve', '--redis', nothing]],
  ['dashboard', ['dashboard', '--redis', nothing, '--port', '0']],
];

for (const [what, argv] of unreachable) {
  test(`${what} with nothing listening at --redis exits 2 at once, naming the flag and the address, no stack trace`, async (t) => {
    const startMs = Date.now();
    const { code, stdout, stderr } = await cli(...argv);
    t.is(code, 2, stderr);
    t.is(stdout, '');
    t.regex(stderr, refused);
    t.notRegex(stderr, stackFrame);
    t.notRegex(stderr, /Unhandled error event/);
    t.true(Date.now() - startMs < 10_000);
  });
}

test('the binary exits too (no client left retrying in the background)', async (t) => {
  const { code, stderr } = await spawnCli(['apply', faults, '--transport', 'bullmq', '--redis', nothing], { timeoutMs: 10_000 });
  t.is(code, 2, stderr);
  t.regex(stderr, refused);
  t.notRegex(stderr, stackFrame);
});

test('sweep --redis with no `sweep --serve`: says no worker is connected, and --timeout ends it with exit 1 and takes its jobs back', async (t) => {
  const url = t.context.redis.url;
  const { code, stdout, stderr } = await cli('sweep', 'farm-partition', '--param', 'durationS=1h,2h', '--seeds', '2', '--redis', url, '--timeout', '3s', '--out', join(dir, 'timeout'));
  t.is(code, 1, stderr);
  t.is(stdout, '');
  t.regex(stderr, new RegExp(`sweep: 0 of 4 runs done; queue zos-sweep at ${url}: 0 running, 4 waiting; no worker connected \\(start one: zos-testbed sweep --serve --redis ${url}\\)\\n`));
  t.regex(stderr, /zos-testbed: --timeout 3s ran out; still waiting: sweep: 0 of 4 runs done/);
  t.notRegex(stderr, stackFrame);
  const queue = new Queue(sweepQueueName, { connection: { host: '127.0.0.1', port: t.context.redis.port, maxRetriesPerRequest: null } });
  t.teardown(() => queue.close());
  t.is((await queue.getJobCounts('waiting')).waiting, 0, 'a later `sweep --serve` finds none of them');
});

test('--timeout is checked like any flag: a bad duration, or one on local threads, is bad input', async (t) => {
  for (const [argv, message] of [
    [['apply', faults, '--timeout', 'soon'], /field --timeout: must be seconds or a number with a unit/],
    [['apply', faults, '--timeout', '0'], /field --timeout: must be more than 0/],
    [['sweep', 'farm-partition', '--param', 'durationS=1h', '--timeout', '3s'], /field --timeout: only applies with --redis/],
  ] as const) {
    const r = await cli(...argv);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, message);
  }
});

test('apply --timeout that does not run out changes nothing: the same report as without it', async (t) => {
  const run = async (...extra: string[]) => {
    const r = await cli('apply', faults, '--transport', 'bullmq', '--redis', t.context.redis.url, '--seed', '4', '--json', ...extra);
    t.is(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as unknown;
  };
  t.deepEqual(await run('--timeout', '2m'), await run());
});
