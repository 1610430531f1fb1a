// SimBackend.stateHash: equal for two identical runs (here and in a fresh process), different after
// any single operation that changes what a user could observe.
import test from 'ava';
import { handlers } from '../../workers/handlers/index.js';
import { isFaultOperation, type Operation, type OperationResult } from '../../workers/operations.js';
import { injectOperation } from '../../scheduler/testbed-faults.js';
import { runHashScenario } from '../helpers/sim-backend.js';
import { inFreshProcess } from '../helpers/fresh-process.js';

test('two identical runs give the same hash and end at the same virtual time', async (t) => {
  const a = await runHashScenario(1);
  const b = await runHashScenario(1);
  t.regex(a.hash, /^[0-9a-f]{64}$/);
  t.is(a.hash, b.hash);
  t.is(a.endS, b.endS);
});

test('a fresh process gives the same hash', async (t) => {
  const here = await runHashScenario(1);
  const child = inFreshProcess('test/helpers/sim-backend', 'console.log((await m.runHashScenario(1)).hash);');
  t.is(child.status, 0, child.stderr);
  t.is(child.stdout.trim(), here.hash);
});

test('any single change gives a different hash', async (t) => {
  const base = await runHashScenario(1);
  const changes: ((ids: { contractId: number; vm: string; namespace: string; qsfs: string }) => Operation)[] = [
    (ids) => ({ kind: 'zdb.set', namespace: ids.namespace, key: 'new', sizeBytes: 1 }),
    (ids) => ({ kind: 'zdb.set', namespace: ids.namespace, key: 'k', sizeBytes: 7, tag: 'other' }),
    (ids) => ({ kind: 'zdb.del', namespace: ids.namespace, key: 'k' }),
    (ids) => ({ kind: 'zstor.store', qsfs: ids.qsfs, path: '/new', sizeBytes: 2 ** 20 }),
    (ids) => ({ kind: 'zmachine.stop', workloadId: ids.vm }),
    (ids) => ({ kind: 'corex.start', workloadId: ids.vm, command: 'sleep 1000' }),
    (ids) => ({ kind: 'deployment.pause', contractId: ids.contractId }),
    (ids) => ({ kind: 'deployment.delete', contractId: ids.contractId }),
    () => ({ kind: 'flist.fetch', node: 3, url: 'https://hub.grid.tf/tf-official-apps/base:latest.flist' }),
    () => ({ kind: 'node.powerOff', node: 3 }),
    () => ({ kind: 'node.crash', node: 4 }),
    () => ({ kind: 'disk.fail', node: 5, device: 'hdd', index: 1 }),
    () => ({ kind: 'disk.fail', node: 3, device: 'ssd', index: 0 }),
    () => ({ kind: 'hub.down' }),
  ];
  const seen = new Map<string, string>([[base.hash, 'no change']]);
  for (const change of changes) {
    let result: OperationResult | undefined;
    let kind = '';
    const run = await runHashScenario(1, async (backend, ids) => {
      const op = change(ids);
      kind = op.kind;
      // A fault is the harness's: through the backend's FaultInjector, as Testbed.submit does.
      result = isFaultOperation(op)
        ? await injectOperation(op, backend.faults).then(() => ({ state: 'ok' as const }))
        : await (handlers[op.kind] as (o: Operation, b: typeof backend) => Promise<OperationResult>)(op, backend);
    });
    t.is(result?.state, 'ok', `${kind}: ${JSON.stringify(result?.error)}`);
    t.false(seen.has(run.hash), `${kind} gives the hash of ${seen.get(run.hash)}`);
    seen.set(run.hash, kind);
  }
});
