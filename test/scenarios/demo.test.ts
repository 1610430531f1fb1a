// The demo is the README's first command: it must run, replay from its seed, and count what happened.
import test from 'ava';
import { runDemo } from '../../scenarios/demo.js';

const small = { nodes: 6, durationS: 900, opsPerS: 5 };

test('same seed ⇒ identical report and trace hash; another seed ⇒ a different trace', (t) => {
  const a = runDemo({ ...small, seed: 'demo' });
  const b = runDemo({ ...small, seed: 'demo' });
  const c = runDemo({ ...small, seed: 'other' });
  t.deepEqual(a, b);
  t.not(a.traceHash, c.traceHash);
});

test('the demo does work of every kind and accounts for every operation', (t) => {
  const r = runDemo({ ...small, seed: 3 });
  t.is(r.simulatedS, small.durationS);
  for (const [kind, o] of Object.entries(r.operations)) {
    t.true(o.ok > 0, kind);
    t.true(o.latencyMsP99 >= o.latencyMsP50, kind);
  }
  // 100 MB per successful transfer crossed some NIC.
  t.true(r.bytesTransferred >= r.operations['transfer-100mb'].ok * 100e6 * 0.999);
});

test('bad demo options name the flag', (t) => {
  t.throws(() => runDemo({ ...small, seed: 1, nodes: 1 }), { message: /--nodes/ });
  t.throws(() => runDemo({ ...small, seed: 1, durationS: 0 }), { message: /--until/ });
});
