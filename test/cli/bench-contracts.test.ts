// The JSON contracts of the scheduler's and real hosts' benchmarks, run small in child processes: every
// field the issues name is there, and the ratios are the ratios of the figures printed beside them.
// Not speed thresholds (no timed tests): the figures only have to be real measurements.
import test from 'ava';
import { cli, spawnCli } from '../helpers/cli.js';

function json(t: { is: (a: unknown, b: unknown, m?: string) => void }, r: { code: number; stdout: string; stderr: string }): Record<string, unknown> {
  t.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('bench queue --json: project and raw BullMQ rates from the same run, their ratio, and the in-process rate', async (t) => {
  const doc = json(t, await spawnCli(['bench', 'queue', '--ops', '200', '--rounds', '1', '--concurrency', '16', '--json']));
  for (const k of ['projectOpsPerS', 'rawBullmqJobsPerS', 'ratio', 'inprocessOpsPerS']) t.true(typeof doc[k] === 'number' && (doc[k] as number) > 0, k);
  t.true(Math.abs((doc.ratio as number) - (doc.projectOpsPerS as number) / (doc.rawBullmqJobsPerS as number)) < 0.01);
  t.is(doc.op, 'hub.up');
  t.is(doc.concurrency, 16);
  // hub.up takes no virtual time: every operation is dispatched at the first instant.
  t.is(doc.lockstepInstants, 1);
  t.is(doc.opsPerInstant, 200);
  for (const k of ['projectNodeCpuUsPerOp', 'projectRedisCpuUsPerOp', 'rawNodeCpuUsPerJob', 'rawRedisCpuUsPerJob', 'inprocessNodeCpuUsPerOp']) t.true(typeof doc[k] === 'number' && (doc[k] as number) > 0, k);
});

test('bench placement --json: nodes and placements per second', async (t) => {
  const doc = json(t, await spawnCli(['bench', 'placement', '--nodes', '2000', '--placements', '2000', '--json']));
  t.is(doc.nodes, 2000);
  t.true((doc.placementsPerS as number) > 0);
});

test('bench zstor --json: store and retrieve MB/s beside raw zdb SET/GET of the same bytes, and their ratios', async (t) => {
  const doc = json(t, await spawnCli(['bench', 'zstor', '--size-mib', '1', '--rounds', '1', '--no-fsync', '--json']));
  for (const k of ['storeMBps', 'retrieveMBps', 'rawSetMBps', 'rawGetMBps', 'storeRatio', 'retrieveRatio']) t.true(typeof doc[k] === 'number' && (doc[k] as number) > 0, k);
  t.true(Math.abs((doc.storeRatio as number) - (doc.storeMBps as number) / (doc.rawSetMBps as number)) < 0.01);
});

test('bench engine --json reports both rates, their ratio and memory per pending event', async (t) => {
  const r = await spawnCli(['bench', 'engine', '--events', '200000', '--rounds', '1', '--json']);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, number>;
  for (const k of ['engineEventsPerS', 'bareHeapEventsPerS', 'ratio', 'pendingEvents', 'events', 'bytesPerPendingEvent']) t.true(k in doc, k);
  t.is(doc.pendingEvents, 10_000);
  t.true(Math.abs(doc.ratio! - doc.engineEventsPerS! / doc.bareHeapEventsPerS!) < 0.01);
  // Not a speed threshold (no timed tests): the figure must be a real measurement.
  t.true(doc.bytesPerPendingEvent! > 16 && doc.bytesPerPendingEvent! < 200);
});

test('a benchmark flag is defined once: the CLI rejects what the script would, and help lists the script\'s flags', async (t) => {
  const bad = await cli('bench', 'queue', '--nope', '1');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--nope/);
  const help = await cli('help', 'bench', 'queue');
  for (const flag of ['--ops N', '--concurrency N', '--workers N', '--rounds N', '--op hub.up|zdb.set', '--redis URL']) t.true(help.stdout.includes(flag), flag);
  // The script parses the same spec: a value its parser refuses is refused with the flag's name.
  const refused = await spawnCli(['bench', 'queue', '--rounds', '0']);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /--rounds/);
});

test('bench startup --json: CPU time of version and help beside node -e 0 from the same run, and the ratios', async (t) => {
  const doc = json(t, await spawnCli(['bench', 'startup', '--rounds', '2', '--json']));
  for (const k of ['nodeCpuMs', 'versionCpuMs', 'helpCpuMs', 'versionRatio', 'helpRatio']) t.true(typeof doc[k] === 'number' && (doc[k] as number) > 0, k);
  t.is(doc.rounds, 2);
  t.true(Math.abs((doc.versionRatio as number) - (doc.versionCpuMs as number) / (doc.nodeCpuMs as number)) < 0.01);
});

test('bench scale --json: CPU per event of the capacity year at N and K × N nodes, from the same run, and their ratio', async (t) => {
  const doc = json(t, await spawnCli(['bench', 'scale', '--nodes', '500', '--scale', '2', '--json']));
  const reference = doc.reference as Record<string, number>;
  const scaled = doc.scaled as Record<string, number>;
  t.is(reference.nodes, 500);
  t.is(scaled.nodes, 1000);
  for (const run of [reference, scaled]) {
    for (const k of ['events', 'cpuS', 'wallS', 'cpuUsPerEvent', 'peakRssBytes', 'deploymentsPlaced']) t.true(typeof run[k] === 'number' && run[k]! > 0, k);
    t.is(run.simulatedS! >= 365 * 86_400, true);
  }
  // Deployments scale with the grid: twice the nodes, twice the deployments.
  t.is(scaled.deploymentsPlaced, 2 * reference.deploymentsPlaced!);
  t.true(Math.abs((doc.ratio as number) - scaled.cpuUsPerEvent! / reference.cpuUsPerEvent!) < 0.01);
  t.is(doc.peakRssBytes, scaled.peakRssBytes);
});
