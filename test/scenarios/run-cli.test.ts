// `run` and `scenarios` as a user calls them: seed line first, exit 0/2/3/4, the JSON summary,
// and determinism (same seed, same summary).
import test from 'ava';
import { cli, stackFrame } from '../helpers/cli.js';
import { neverConverges, plantedSafety, randomFaults, scenarioDir, unplaceable, writeScenario } from '../helpers/scenario-files.js';

const dir = scenarioDir();

/** The summary without the wall-clock fields, which are the only ones allowed to differ between runs. */
function deterministic(stdout: string): unknown {
  const { wallSeconds: _w, eventsPerS: _e, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

test('scenarios --json lists the built-ins with name, description, nodes and duration', async (t) => {
  const r = await cli('scenarios', '--json');
  t.is(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; nodes: number; duration: number; description: string }[];
  t.true(list.some((s) => s.name === 'ssd-failure-under-zmount' && s.nodes === 7));
  t.true(list.some((s) => s.name === 'capacity-10k-year' && s.nodes === 10_000 && s.duration === 365.25 * 86_400));
  t.true(list.every((s) => s.description.length > 0));
});

test('run: a built-in passes with exit 0; the seed line comes first on stderr', async (t) => {
  const r = await cli('run', 'partial-deployment', '--seed', '9', '--json');
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, 'seed: 9\n', 'no progress bar when stderr is not a terminal');
  const s = JSON.parse(r.stdout) as { seed: string; events: number; simulatedSeconds: number; wallSeconds: number; invariants: { name: string; phase: string; ok: boolean }[]; files: string[] };
  t.is(s.seed, '9');
  t.true(s.events > 0 && s.simulatedSeconds >= 1200 && s.wallSeconds >= 0);
  t.true(s.invariants.length > 0 && s.invariants.every((i) => i.ok && (i.phase === 'safety' || i.phase === 'liveness')));
  t.deepEqual(s.files, []);
});

test('run: a deliberately violated safety invariant exits 3 and names it', async (t) => {
  const r = await cli('run', writeScenario(dir, 'planted-safety', plantedSafety()));
  t.is(r.code, 3, r.stderr);
  t.regex(r.stdout, /FAIL \[safety\] web\.vm is ok — vm is deleted/);
  t.regex(r.stdout, /replay: zos-testbed run .*planted-safety\.json --seed 1/);
});

test('run: a deployment group the scheduler cannot place fails its deployment invariant (exit 4)', async (t) => {
  const r = await cli('run', writeScenario(dir, 'unplaceable', unplaceable()), '--json');
  t.is(r.code, 4, r.stderr);
  const s = JSON.parse(r.stdout) as { metrics: { deployments: { placed: number; unplaced: number } }; invariants: { name: string; ok: boolean; detail?: string }[] };
  t.deepEqual([s.metrics.deployments.placed, s.metrics.deployments.unplaced], [0, 40]);
  const failing = s.invariants.filter((i) => !i.ok);
  t.deepEqual(failing.map((i) => i.name), ['all deployments ok (>= 1)']);
  t.regex(failing[0]!.detail!, /0 of 40 deployments are entirely ok \(0\.0 %, 40 never placed\)/);
});

test('run: a grid that cannot converge once faults stop exits 4', async (t) => {
  const r = await cli('run', writeScenario(dir, 'never-converges', neverConverges()), '--json');
  t.is(r.code, 4, r.stderr);
  const s = JSON.parse(r.stdout) as { convergedAfterS: number | null; invariants: { name: string; phase: string; ok: boolean; detail?: string }[] };
  t.is(s.convergedAfterS, null);
  const failing = s.invariants.filter((i) => !i.ok);
  t.is(failing.length, 1);
  t.is(failing[0]!.phase, 'liveness');
  t.regex(failing[0]!.detail!, /1 of 2 deployments are entirely ok/);
});

test('run: bad input exits 2 naming the file and field, without a stack trace', async (t) => {
  const path = writeScenario(dir, 'bad', { ...randomFaults(), faults: [{ kind: 'crash', node: 'zero', atS: 0 }] });
  const r = await cli('run', path);
  t.is(r.code, 2);
  t.true(r.stderr.includes(`${path}: field faults[0].node: must be a finite number`), r.stderr);
  t.notRegex(r.stderr, stackFrame);
  const until = await cli('run', 'partial-deployment', '--until', 'forever');
  t.is(until.code, 2);
  t.regex(until.stderr, /--until/);
  t.is((await cli('run', 'no-such-scenario')).code, 2);
});

test('run: same seed gives the same summary; another seed gives another', async (t) => {
  const path = writeScenario(dir, 'random-faults', randomFaults());
  const [a, b, c] = await Promise.all([cli('run', path, '--seed', '5', '--json'), cli('run', path, '--seed', '5', '--json'), cli('run', path, '--seed', '6', '--json')]);
  for (const r of [a, b, c]) t.is(r.code, 0, r.stderr);
  t.deepEqual(deterministic(a.stdout), deterministic(b.stdout));
  t.notDeepEqual(deterministic(a.stdout), deterministic(c.stdout));
});

test('run: --until shortens the safety phase; checks timed past its end are not reached, not failed', async (t) => {
  const r = await cli('run', 'node-offline-hours', '--until', '30m', '--json');
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { safetyUntilS: number; invariants: { name: string; ok: boolean; detail?: string }[] };
  t.is(s.safetyUntilS, 1800);
  const late = s.invariants.filter((i) => i.name.startsWith('node 2'));
  t.is(late.length, 3);
  t.true(late.every((i) => i.ok && /^not reached/.test(i.detail ?? '')));
});

interface HealingSummary {
  metrics: {
    deployments: { availabilityMinFraction: number; availabilityMinAtS: number | null; availabilityRestoredAtS: number | null; availabilityMeanFraction: number; hoursLost: number; replaced: number };
    healing: { timeToHealS: { p50: number | null; p95: number | null; p99: number | null }; outagesHealed: number; replacements: number; repairs: number; reapplies: number };
  };
}

test('run farm-partition --json: availability dips in the partition, the reconciler re-places the cut-off deployments, all are back, and it says when', async (t) => {
  const r = await cli('run', 'farm-partition', '--seed', '3', '--json');
  t.is(r.code, 0, r.stderr);
  const { deployments: d, healing: h } = (JSON.parse(r.stdout) as HealingSummary).metrics;
  // The built-in cuts farm-east (25 of 100 nodes) off at 1.5 h for 2 h.
  const cutS = 5400;
  t.true(d.availabilityMinFraction < 0.9 && d.availabilityMinFraction > 0.5, `lowest ${d.availabilityMinFraction}`);
  t.true(d.availabilityMinAtS !== null && d.availabilityMinAtS >= cutS && d.availabilityMinAtS < cutS + 7200, `lowest at ${d.availabilityMinAtS}`);
  t.true(d.availabilityRestoredAtS !== null && d.availabilityRestoredAtS > d.availabilityMinAtS! && d.availabilityRestoredAtS < cutS + 7200, 'back before the partition ends: healed, not waited out');
  t.true(d.availabilityMeanFraction > d.availabilityMinFraction && d.availabilityMeanFraction < 1);
  t.true(d.hoursLost > 0);
  t.true(d.replaced > 0 && h.replacements === d.replaced, `${d.replaced} re-placed, ${h.replacements} replacements`);
  t.true(h.timeToHealS.p50 !== null && h.timeToHealS.p50 > 0 && h.timeToHealS.p50 <= h.timeToHealS.p99!);
  t.true(h.outagesHealed >= d.replaced);

  const alone = await cli('run', 'farm-partition', '--seed', '3', '--json', '--no-reconcile');
  const zos = (JSON.parse(alone.stdout) as HealingSummary).metrics;
  t.is(zos.deployments.replaced, 0, 'zos alone re-places nothing');
  t.true(zos.deployments.hoursLost > d.hoursLost, `without the reconciler more is lost: ${zos.deployments.hoursLost} > ${d.hoursLost}`);
});
