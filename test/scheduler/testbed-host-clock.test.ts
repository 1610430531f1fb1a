// On real hosts the owner's clock is wall-paced and backend calls end in wall time, with no event on
// the clock meanwhile: the transport waits for them instead of calling the run stalled, and since
// virtual time only moves at events, the same operations give the same run hash twice.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed } from '../../scheduler/testbed.js';
import { WallPacedClock } from '../../sim/engine/realtime.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import type { Deployment } from '../../workers/operations.js';

const dir = mkdtempSync(join(tmpdir(), 'host-clock-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const zdbDoc = {
  version: 0, twin_id: 50, contract_id: 0, metadata: '', description: '',
  workloads: [{ version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: 1048576, mode: 'user', password: 'pw', public: false } }],
} as unknown as Deployment;

async function run(name: string): Promise<{ stateHash: string; states: string[] }> {
  const host = await HostBackend.open({ dataDir: join(dir, name), nodes: 2 });
  const testbed = await Testbed.open({ backend: host, clock: new WallPacedClock(new Simulation()), seed: 1, transport: 'inprocess' });
  try {
    const created = await testbed.wait(await testbed.submit({ kind: 'deployment.create', node: 0, deployment: zdbDoc }));
    const set = await testbed.wait(await testbed.submit({ kind: 'zdb.set', namespace: '50-1-db', key: 'k', sizeBytes: 100, tag: 'v' }));
    const get = await testbed.wait(await testbed.submit({ kind: 'zdb.get', namespace: '50-1-db', key: 'k' }));
    // A zdb's result names the real port its 0-db listens on, which the OS picks anew each run.
    const states = [created, set, get].map((r) => `${r.state} ${JSON.stringify(r.value ?? r.error)}`.replace(/"Port":\d+/, '"Port":PORT'));
    return { stateHash: (await testbed.state()).stateHash, states };
  } finally {
    await testbed.close();
    await host.close();
  }
}

test('calls on real hosts are waited for, not taken for a stall; the same operations give the same run hash', async (t) => {
  const a = await run('a');
  t.true(a.states.every((s) => s.startsWith('ok')), a.states.join('\n'));
  t.regex(a.states[2]!, /"tag":"v"/);
  const b = await run('b');
  t.deepEqual(b.states, a.states);
  t.is(b.stateHash, a.stateHash);
});
