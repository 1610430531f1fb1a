// The swarm on a CI budget: a few small random scenarios hold every invariant; a planted invariant is
// found, shrunk, and both printed replays (swarm --path, run FILE) reproduce the same violation.
import test from 'ava';
import { join } from 'node:path';
import { runSwarm } from '../../scenarios/swarm.js';
import { cli } from '../helpers/cli.js';
import { scenarioDir } from '../helpers/scenario-files.js';

test('swarm: a few random small scenarios hold every invariant', async (t) => {
  const seen: string[] = [];
  const result = await runSwarm({ runs: 12, seed: 20_26, maxNodes: 1000, onRun: (_i, s, summary) => seen.push(`${s.description} → ${summary.failed ?? 'ok'}`) });
  t.log(seen.join('\n'));
  t.is(result.failure, null);
  t.is(result.runs, 12);
});

test('swarm: the same seed generates the same scenarios', async (t) => {
  const descriptions = async (): Promise<string[]> => {
    const out: string[] = [];
    await runSwarm({ runs: 3, seed: 99, maxNodes: 120, onRun: (_i, s, summary) => out.push(`${s.description} ${String(s.seed)} ${summary.events}`) });
    return out;
  };
  t.deepEqual(await descriptions(), await descriptions());
});

interface SwarmJson {
  failure: { phase: string; path: string; shrinks: number; replay: string; run: string; invariants: { name: string; detail: string }[] };
}

test('swarm: finds a planted violation, prints the shrunk case and replays that reproduce it', async (t) => {
  const save = join(scenarioDir(), 'shrunk.json');
  const found = await cli('swarm', '--runs', '20', '--seed', '7', '--max-nodes', '300', '--plant', '--save', save, '--json');
  t.is(found.code, 3, found.stderr);
  t.regex(found.stderr, /^seed: 7\n/);
  const { failure } = JSON.parse(found.stdout) as SwarmJson;
  t.is(failure.phase, 'safety');
  t.is(failure.invariants[0]!.name, 'at most 0.1 of nodes down');
  t.regex(failure.replay, /^zos-testbed swarm --runs 1 --seed 7 --max-nodes 300 --plant --path \d+(:\d+)*$/);

  const replay = await cli(...failure.replay.split(' ').slice(1), '--json');
  t.is(replay.code, 3, replay.stderr);
  t.deepEqual((JSON.parse(replay.stdout) as SwarmJson).failure.invariants, failure.invariants);

  const rerun = await cli(...failure.run.split(' ').slice(1), '--json');
  t.is(rerun.code, 3, rerun.stderr);
  const summary = JSON.parse(rerun.stdout) as { invariants: { name: string; ok: boolean; detail?: string }[] };
  t.deepEqual(
    summary.invariants.filter((i) => !i.ok).map((i) => ({ name: i.name, detail: i.detail })),
    failure.invariants.map((i) => ({ name: i.name, detail: i.detail })),
  );
});

test('swarm: bad flags are bad input', async (t) => {
  t.is((await cli('swarm', '--runs', '0')).code, 2);
  t.is((await cli('swarm', '--max-nodes', '20000')).code, 2);
  t.is((await cli('swarm', '--path', 'a:b')).code, 2);
});
