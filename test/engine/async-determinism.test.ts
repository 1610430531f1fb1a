// Thousands of async callers interleave on the engine; the trace must be byte-identical on every
// run with one seed (in this process and in a fresh one) and differ with another seed.
import test from 'ava';
import { asyncCallers, chaosTicks, runAsyncTrace } from '../helpers/async-trace.js';
import { inFreshProcess } from '../helpers/fresh-process.js';

test('same seed gives the same trace hash; another seed a different one', async (t) => {
  const a = await runAsyncTrace('seed-1');
  const b = await runAsyncTrace('seed-1');
  const c = await runAsyncTrace('seed-2');
  t.is(a.count, asyncCallers * 7 + chaosTicks);
  t.is(a.hash, b.hash);
  t.is(a.endS, b.endS);
  t.not(a.hash, c.hash);
});

test('a fresh process produces the same trace hash', async (t) => {
  const here = await runAsyncTrace('seed-1');
  const child = inFreshProcess('test/helpers/async-trace', "console.log((await m.runAsyncTrace('seed-1')).hash);");
  t.is(child.status, 0, child.stderr);
  t.is(child.stdout.trim(), here.hash);
});
