// The `validate convergence` CLI of issue 15 end to end, in child processes: the seed first on stderr,
// the JSON document with per-failure times, determinism, and bad input exiting 2 naming the flag.
import test from 'ava';

import { cli, stackFrame } from '../helpers/cli.js';
import { topologyFile } from '../helpers/network-graphs.js';

const kdl = topologyFile('zoo/Kdl.graphml');

test('validate convergence --json on Kdl: per-failure times, p50 ≤ p99, deterministic', async (t) => {
  const args = ['validate', 'convergence', '--topology', kdl, '--overlay', 'mycelium', '--link-failures', '4', '--seed', '2', '--version', '0.7.5', '--json'];
  const a = await cli(...args);
  const b = await cli(...args);
  t.is(a.code, 0, a.stderr);
  t.is(a.stderr.split('\n')[0], 'seed: 2');
  t.is(a.stdout, b.stdout);
  const doc = JSON.parse(a.stdout) as { linkFailures: number; failures: { detectionS: number; convergenceS: number }[]; convergenceS: { p50: number; p99: number }; controlBytesPerNodePerMinute: { leaf: { keepalive: number }; hub: { keepalive: number } } };
  t.is(doc.linkFailures, 4);
  t.is(doc.failures.length, 4);
  t.true(doc.convergenceS.p50 <= doc.convergenceS.p99);
  // Silent failures: nobody notices before the 43 s dead-peer threshold has passed since the last IHU.
  for (const f of doc.failures) t.true(f.detectionS > 20 && f.detectionS <= 43 + 20 + 10, JSON.stringify(f));
  t.true(doc.controlBytesPerNodePerMinute.hub.keepalive > doc.controlBytesPerNodePerMinute.leaf.keepalive);
});

test('bad input exits 2 naming the flag, with no stack trace', async (t) => {
  for (const [words, needle] of [
    [['validate', 'convergence', '--topology', kdl, '--overlay', 'yggdrasil'], '--overlay'],
    [['validate', 'convergence', '--topology', kdl, '--link-failures', '0'], '--link-failures'],
    [['validate', 'convergence', '--topology', kdl, '--version', '0.6'], '--version'],
    [['validate', 'convergence', '--link-failures', '3'], '--topology'],
  ] as const) {
    const r = await cli(...words);
    t.is(r.code, 2, words.join(' '));
    t.true(r.stderr.includes(needle), r.stderr);
    t.notRegex(r.stderr, stackFrame);
  }
});
