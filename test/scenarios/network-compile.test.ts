// Network faults, probes and invariants in scenario files: every mistake names the file and the field,
// including a link the underlay does not have (found when the run builds the underlay).
import test from 'ava';
import { rmSync } from 'node:fs';
import { compileScenario } from '../../scenarios/compile.js';
import { usesNetwork } from '../../scenarios/compile-network.js';
import { loadScenarioFile } from '../../scenarios/load.js';
import { runScenario } from '../../scenarios/runner.js';
import { InputError } from '../../sim/errors.js';
import { scenarioDir, writeScenario } from '../helpers/scenario-files.js';

const dir = scenarioDir();
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  name: 'net-case',
  description: 'network faults on the small grid (farm-a: nodes 0-4, farm-b: nodes 5-6; sites 7 and 8)',
  grid: 'small',
  durationS: '10m',
  probes: { intervalS: 10, pairs: 5 },
  invariants: [{ kind: 'no-partition-at-end' }],
};

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no error');
}

const cases: [string, Record<string, unknown>, string, RegExp][] = [
  ['link-cut same ends', { faults: [{ kind: 'link-cut', a: 7, b: 7, atS: 60 }] }, 'faults[0].b', /must differ from a/],
  ['link-cut negative id', { faults: [{ kind: 'link-cut', a: -1, b: 7, atS: 60 }] }, 'faults[0].a', />= 0/],
  ['link-cut unknown field', { faults: [{ kind: 'link-cut', a: 7, b: 8, at: 60 }] }, 'faults[0].at', /is not a field/],
  ['link-cut zero duration', { faults: [{ kind: 'link-cut', a: 7, b: 8, atS: 60, durationS: 0 }] }, 'faults[0].durationS', /> 0/],
  ['partition-farms unknown farm', { faults: [{ kind: 'partition-farms', farms: ['farm-a', 'farm-moon'], atS: 0 }] }, 'faults[0].farms[1]', /names no farm.*farm-moon/],
  ['partition-farms every farm', { faults: [{ kind: 'partition-farms', farms: ['farm-a', 'farm-b'], atS: 0 }] }, 'faults[0].farms', /every farm/],
  ['partition-farms empty', { faults: [{ kind: 'partition-farms', farms: [], atS: 0 }] }, 'faults[0].farms', /at least one farm/],
  ['root loss without time', { faults: [{ kind: 'planetary-root-loss' }] }, 'faults[0].atS', /is required/],
  ['probes interval', { probes: { intervalS: 0.5, pairs: 5 } }, 'probes.intervalS', />= 1 s/],
  ['probes pairs', { probes: { intervalS: 10, pairs: 0 } }, 'probes.pairs', />= 1/],
  ['delivery bound', { invariants: [{ kind: 'planetary-delivery', min: 1.5 }] }, 'invariants[0].min', /<= 1/],
  ['delivery without probes', { probes: undefined, invariants: [{ kind: 'no-partition-at-end' }, { kind: 'planetary-delivery-dips', below: 0.5 }] }, 'invariants[1].kind', /needs probe traffic/],
  ['partitions bounds', { invariants: [{ kind: 'network-partitions', atS: 60, min: 2, max: 1 }] }, 'invariants[0].max', />= 2/],
];

for (const [title, change, field, problem] of cases) {
  test(`network scenario file: ${title} names the file and ${field}`, (t) => {
    const path = writeScenario(dir, title.replaceAll(' ', '-'), { ...base, ...change });
    const err = inputError(() => loadScenarioFile(path));
    t.is(err.where, path, err.message);
    t.is(err.field, field, err.message);
    t.regex(err.message, problem);
  });
}

test('network scenario file: a link the underlay lacks names the file and field when the run starts', async (t) => {
  // Nodes link only to their own farm's site: node 0 and node 5 share no link.
  const path = writeScenario(dir, 'no-such-link', { ...base, faults: [{ kind: 'hub-outage', atS: 0 }, { kind: 'link-cut', a: 0, b: 5, atS: 60 }] });
  const scenario = loadScenarioFile(path);
  const err = await t.throwsAsync(runScenario(scenario), { instanceOf: InputError });
  t.is(err.where, path);
  t.is(err.field, 'faults[1].a');
  t.regex(err.message, /no link 0-5/);
});

test('usesNetwork: only scenarios with network faults, probes or network invariants', (t) => {
  const compile = (change: Record<string, unknown>) => compileScenario({ ...base, probes: undefined, invariants: [{ kind: 'converged' }], ...change }, 'inline');
  t.false(usesNetwork(compile({})));
  t.false(usesNetwork(compile({ faults: [{ kind: 'partition', farm: 'farm-a', atS: 0, durationS: 60 }] })), 'the old partition kind is node crashes');
  t.true(usesNetwork(compile({ faults: [{ kind: 'planetary-root-loss', atS: 0 }] })));
  t.true(usesNetwork(compile({ probes: { intervalS: 5, pairs: 1 } })));
  t.true(usesNetwork(compile({ invariants: [{ kind: 'no-partition-at-end' }] })));
  const farms = compile({ faults: [{ kind: 'partition-farms', farms: ['farm-b'], atS: '1m', durationS: '2m' }] }).faults[0];
  t.deepEqual(farms, { kind: 'partition-farms', farms: [1], atS: 60, durationS: 120 });
});
