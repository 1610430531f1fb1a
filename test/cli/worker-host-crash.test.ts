// Crashes on the host backend with 0-db as real processes (`--zdb process`): node.crash is a SIGKILL,
// and every write 0-db acknowledged is read back after node.repair; apply runs the same on the CLI.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostBackend } from '../../workers/host-backend/index.js';
import { operationError } from '../../workers/errors.js';
import type { Deployment } from '../../workers/operations.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worker-host-crash-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const zdbDoc = {
  version: 0, twin_id: 50, contract_id: 0, metadata: '', description: '',
  workloads: [{ version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: 2 ** 30, mode: 'user', password: 'pw', public: false } }],
};

test('zdb as a process: crash kills it, repair restarts it from its files, every acknowledged write is there', async (t) => {
  const backend = await HostBackend.open({ dataDir: join(dir, 'direct'), nodes: 2, zdb: 'process' });
  try {
    const { contractId } = await backend.createDeployment(1, zdbDoc as unknown as Deployment);
    t.deepEqual((await backend.settled(contractId, 60)).map((w) => w.state), ['ok']);
    const ns = `50-${contractId}-db`;
    // Concurrent writers, as a client under load: each acknowledged SET must survive the kill.
    await Promise.all(Array.from({ length: 200 }, (_, i) => backend.zdbSet(ns, `k${i}`, { sizeBytes: 1000 + i, tag: `v${i}` })));
    const before = await backend.stateHash();
    await backend.faults.crash(1);
    t.like(operationError(await t.throwsAsync(backend.zdbGet(ns, 'k0'))), { code: 'E_NODE_DOWN', retryable: true });
    await backend.faults.repair(1);
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => backend.zdbGet(ns, `k${i}`)));
    t.deepEqual(values, Array.from({ length: 200 }, (_, i) => ({ sizeBytes: 1000 + i, tag: `v${i}` })));
    t.is(await backend.stateHash(), before, 'the grid looks as it did before the crash');
  } finally {
    await backend.close();
  }
});

test('apply --backend host --zdb process: a crash and a repair between a SET and a GET, all completed', async (t) => {
  const ops = [
    { id: 'ns', kind: 'deployment.create', node: 0, deployment: zdbDoc },
    // Wall-time delays order them (zdb ops join no node's queue), with room for a loaded machine.
    { id: 'set', kind: 'zdb.set', namespace: '50-1-db', key: 'k', sizeBytes: 100, tag: 'v', delayS: 2 },
    { id: 'crash', kind: 'node.crash', node: 0, delayS: 3 },
    { id: 'repair', kind: 'node.repair', node: 0, delayS: 4 },
    // A 0-db process takes seconds to start on a loaded machine: node-down is retryable, so retry.
    { id: 'get', kind: 'zdb.get', namespace: '50-1-db', key: 'k', delayS: 6, attempts: 6 },
  ];
  const file = join(dir, 'crash.json');
  writeFileSync(file, JSON.stringify(ops));
  const { code, stdout, stderr } = await cli('apply', file, '--backend', 'host', '--data-dir', join(dir, 'cli'), '--nodes', '1', '--zdb', 'process', '--json');
  t.is(code, 0, stderr);
  const report = JSON.parse(stdout) as { ops: { id: string; state: string }[] };
  t.deepEqual(report.ops.map((op) => [op.id, op.state]), ops.map((op) => [op.id, 'completed']), JSON.stringify(report.ops));
});
