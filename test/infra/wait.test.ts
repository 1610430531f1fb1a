// The polling helper the real-time tests share: it returns the accepted value, takes sync and async
// reads, and on timeout names what it waited for and the last value it saw.

import test from 'ava';
import { waitUntil } from '../helpers/wait.js';

test('returns the first truthy value of a sync read, or the first one `until` accepts of an async read', async (t) => {
  let n = 0;
  t.is(await waitUntil('n to reach 3', () => (++n >= 3 ? `n=${n}` : ''), { intervalMs: 1 }), 'n=3');
  let m = 0;
  t.is(await waitUntil('m to reach 2', async () => ++m, { until: (v) => v === 2, intervalMs: 1 }), 2);
});

test('on timeout the error names what was awaited and shows the last value read', async (t) => {
  let reads = 0;
  const error = await t.throwsAsync(waitUntil('the door to open', () => ({ door: 'shut', reads: ++reads }), { until: (s) => s.door === 'open', timeoutMs: 30, intervalMs: 5 }));
  t.regex(error.message, /^timed out after 30 ms waiting for the door to open; last value: \{"door":"shut","reads":\d+\}$/);
  t.true(reads >= 2, `${reads} reads`);
  const screen = await t.throwsAsync(waitUntil('a prompt', () => 'line 1\nline 2', { until: () => false, timeoutMs: 0 }));
  t.is(screen.message, 'timed out after 0 ms waiting for a prompt; last value: \nline 1\nline 2', 'a screen keeps its lines');
});

test('a read that throws ends the wait with its error', async (t) => {
  await t.throwsAsync(waitUntil('anything', async () => Promise.reject(new Error('tmux: no server')), { timeoutMs: 1000 }), { message: 'tmux: no server' });
});
