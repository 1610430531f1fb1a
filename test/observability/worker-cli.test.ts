// The `worker` binary with --log-format json --metrics-port 0: JSON lines for start and ready (naming
// where /metrics is), /metrics answering while it serves, and on SIGTERM a line saying so, then exit 0.
import anyTest, { type TestFn } from 'ava';
import { collect, startCli } from '../helpers/cli.js';
import { parsePromText } from '../helpers/prom-text.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

test('worker logs JSON lines, serves /metrics, and says when a signal stops it', async (t) => {
  const child = startCli(['worker', '--redis', t.context.redis.url, '--log-format', 'json', '--metrics-port', '0', '--queue', 'obs-cli']);
  const result = collect(child, 60_000);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await waitUntil('the ready line', () => stderr.split('\n').find((l) => l.includes('worker: ready')), { timeoutMs: 30_000 });
  const line = JSON.parse(ready!) as { level: string; msg: string; time: string };
  t.is(line.level, 'info');
  t.false(Number.isNaN(Date.parse(line.time)));
  const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(line.msg)?.[1];
  t.truthy(url, line.msg);
  const samples = parsePromText(await (await fetch(url!)).text());
  t.true(samples.some((s) => s.name === 'zos_job_stalls_total'));
  child.kill('SIGTERM');
  const { code, stderr: all } = await result;
  t.is(code, 0, all);
  const messages = all.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
  t.true(messages[0]!.startsWith('worker: starting'));
  t.true(messages.includes('worker: SIGTERM received; stopping'));
  t.is(messages.at(-1), 'worker: stopped');
});
