// Scenario loading: every error names the file and the field, built-ins compile, spreading composes,
// and tfrobot's mass-placement groups convert.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { builtinScenarios, compileBuiltin } from '../../scenarios/builtin/index.js';
import { compileScenario } from '../../scenarios/compile.js';
import { parseDuration } from '../../scenarios/duration.js';
import { loadScenario, loadScenarioFile } from '../../scenarios/load.js';
import { tfrobotGroups } from '../../scenarios/tfrobot.js';
import { InputError } from '../../sim/errors.js';
import { randomFaults, scenarioDir, writeScenario } from '../helpers/scenario-files.js';
import { projectPath } from '../../sim/project-files.js';

const dir = scenarioDir();

function loadError(name: string, content: unknown): InputError {
  const path = writeScenario(dir, name, content);
  try {
    loadScenarioFile(path);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`${name} loaded`);
}

const cases: [string, (s: ReturnType<typeof randomFaults>) => unknown, string, RegExp][] = [
  ['unknown top field', (s) => ({ ...s, duraton: 5 }), 'duraton', /is not a field/],
  ['group kind', (s) => ({ ...s, workload: [{ ...s.workload![0]!, kind: 'vmm' }] }), 'workload[0].kind', /must be one of vm, vm-pair, zdb/],
  ['group count', (s) => ({ ...s, workload: [{ ...s.workload![0]!, count: -1 }] }), 'workload[0].count', />= 1/],
  ['distribution field', (s) => ({ ...s, workload: [{ ...s.workload![0]!, intervalS: { kind: 'exponential', meanSec: 3 } }] }), 'workload[0].intervalS.meanS|ratePerS', /exactly one of meanS, ratePerS/],
  ['fault kind', (s) => ({ ...s, faults: [{ kind: 'meteor', atS: 0 }] }), 'faults[0].kind', /must be one of/],
  ['fault duration', (s) => ({ ...s, faults: [{ kind: 'hub-outage', atS: 'soon' }] }), 'faults[0].atS', /unit/],
  ['partition farm', (s) => ({ ...s, faults: [{ kind: 'partition', farm: 'farm-moon', atS: 0, durationS: 60 }] }), 'faults[0].farm', /names no farm/],
  ['crash node range', (s) => ({ ...s, faults: [{ kind: 'crash', node: 100, atS: 0 }] }), 'faults[0].node', /<= 99/],
  ['action group ref', (s) => ({ ...s, actions: [{ kind: 'cancel', group: 'nope', atS: 0 }] }), 'actions[0].group', /names no workload group/],
  ['second node-failures', (s) => ({ ...s, faults: [s.faults![0]!, s.faults![1]!, s.faults![0]!] }), 'faults[2].kind', /at most one node-failures/],
  ['invariant kind', (s) => ({ ...s, invariants: [{ kind: 'always-fine' }] }), 'invariants[0].kind', /must be one of/],
  ['no invariants', (s) => ({ ...s, invariants: [] }), 'invariants', /at least one/],
  ['grid template', (s) => ({ ...s, grid: { farms: [{ name: 'f', publicIpv4Count: 0, nodes: [{ template: 'mainframe', count: 3 }] }] } }), 'grid.farms[0].nodes[0].template', /mainframe/],
  ['grid name', (s) => ({ ...s, grid: 'galaxy' }), 'grid', /no grid named 'galaxy'/],
  ['report metric', (s) => ({ ...s, report: ['vibes'] }), 'report[0]', /must be one of/],
];

for (const [title, mutate, field, problem] of cases) {
  test(`loader: ${title} is reported with file and field ${field}`, (t) => {
    const err = loadError(title.replaceAll(' ', '-'), mutate(randomFaults()));
    t.true(err.where.endsWith(`${title.replaceAll(' ', '-')}.json`), err.message);
    t.is(err.field, field, err.message);
    t.regex(err.message, problem);
  });
}

test('loader: a file that is not JSON, or missing, names the file', (t) => {
  const bad = writeScenario(dir, 'broken', '{"name": ');
  t.throws(() => loadScenarioFile(bad), { instanceOf: InputError, message: new RegExp(`^${bad}: not JSON`) });
  t.throws(() => loadScenario(`${dir}/absent.json`), { instanceOf: InputError, message: /absent\.json: cannot read: ENOENT/ });
  t.throws(() => loadScenario('no-such-builtin'), { instanceOf: InputError, message: /built-ins: ssd-failure-under-zmount/ });
});

test('loader: every built-in compiles, and a TypeScript scenario composes by spreading a base', (t) => {
  for (const s of builtinScenarios) t.notThrows(() => compileBuiltin(s), s.name);
  const base = randomFaults();
  const longer = compileScenario({ ...base, name: 'longer', durationS: '2d' }, 'inline');
  t.is(longer.durationS, 2 * 86_400);
  t.is(longer.faults.length, 2);
  t.is(longer.nodeCount, 100);
});

test('durations: seconds or a number with a unit', (t) => {
  t.is(parseDuration(90), 90);
  t.is(parseDuration('15m'), 900);
  t.is(parseDuration('1.5h'), 5400);
  t.is(parseDuration('14d'), 14 * 86_400);
  t.is(parseDuration('1y'), 365.25 * 86_400);
  t.throws(() => parseDuration('-3s'));
  t.throws(() => parseDuration('3 fortnights'));
});

test('tfrobot: the shared mass-placement example becomes workload groups; bad entries name the field', (t) => {
  const doc = JSON.parse(readFileSync(projectPath('data/examples/tfrobot-mass-placement.json'), 'utf8')) as { vms: unknown[] };
  const groups = tfrobotGroups(doc, 'tfrobot-mass-placement.json', { intervalS: { kind: 'exponential', meanS: 60 } });
  const GiB = 2 ** 30;
  const nodeGroup = { name: 'group_a', nodesCount: 3, minTotalCpu: 2, minFreeMemoryBytes: 16 * GiB, minFreeSsdBytes: 100 * GiB, minFreeHddBytes: 50 * GiB, publicIpv4: false, certified: false, region: 'europe' };
  t.deepEqual(groups, [{ name: 'examplevm123', kind: 'vm', count: 1, cpu: 1, memoryBytes: 2 * GiB, diskBytes: 15 * GiB, nodeGroup, intervalS: { kind: 'exponential', meanS: 60 } }]);
  const compiled = compileScenario({ ...randomFaults(), workload: groups }, 'inline');
  t.is(compiled.workload[0]!.count, 1);
  t.throws(() => tfrobotGroups({ vms: [{ name: 'x', vms_count: 0, cpu: 1, mem: 2 }] }, 'robot.json'), { message: /^robot\.json: field vms\[0\]\.vms_count: must be >= 1/ });
});

test('the example scenario file in scenarios/ loads', (t) => {
  const compiled = loadScenario('scenarios/example-tfrobot.json');
  t.is(compiled.name, 'tfrobot-groups-on-farm100');
  t.is(compiled.durationS, 2 * 86_400);
});
