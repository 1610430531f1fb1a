// The host backend from the command line: `apply --backend host` on both transports gives ok states
// and one state hash; a `worker --backend host` process serves a BullMQ queue with nodes of its own;
// bad flags exit 2 naming the flag.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { openBullmqTransport, startPrivateRedis } from '../../scheduler/transports/bullmq/index.js';
import { WallPacedClock } from '../../sim/engine/realtime.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import type { Operation, OperationResult } from '../../workers/operations.js';
import { builtBinary, cli, repoRoot, stackFrame } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worker-host-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const zdbDoc = {
  version: 0, twin_id: 50, contract_id: 0, metadata: '', description: '',
  workloads: [{ version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: 1048576, mode: 'user', password: 'pw', public: false } }],
};

/**
 * One namespace, then a SET and a GET of it. zdb ops join no node's queue, so wall-time delays keep
 * the order; they leave room for a loaded machine.
 */
const ops = [
  { id: 'ns', kind: 'deployment.create', node: 0, deployment: zdbDoc },
  { id: 'set', kind: 'zdb.set', namespace: '50-1-db', key: 'k', sizeBytes: 100, tag: 'v', delayS: 2 },
  { id: 'get', kind: 'zdb.get', namespace: '50-1-db', key: 'k', delayS: 3 },
];
const opsFile = join(dir, 'ops.json');
writeFileSync(opsFile, JSON.stringify(ops));

type Report = { stateHash: string; ops: { id: string; state: string; error: unknown }[] };

// On hosts the run's hash includes when each operation finished, which is wall time: it is not
// compared across runs (the grid's own digest is, in test/behaviour/state-hash.test.ts).
test('apply --backend host: the zdb ops complete on both transports; the report has the sim shape', async (t) => {
  const runs = await Promise.all(['inprocess', 'bullmq'].map(async (transport) => {
    const { code, stdout, stderr } = await cli('apply', opsFile, '--backend', 'host', '--data-dir', join(dir, `apply-${transport}`), '--nodes', '2', '--transport', transport, '--json');
    t.is(code, 0, stderr);
    return JSON.parse(stdout) as Report;
  }));
  for (const report of runs) {
    t.deepEqual(Object.keys(report), ['stateHash', 'ops']);
    t.regex(report.stateHash, /^[0-9a-f]{64}$/);
    t.deepEqual(report.ops, ops.map((op) => ({ id: op.id, state: 'completed', error: null })), JSON.stringify(report.ops));
  }
});

const badFlags: Array<[string, string[], RegExp]> = [
  ['host without --data-dir', ['apply', opsFile, '--backend', 'host'], /--data-dir/],
  ['host with --grid', ['apply', opsFile, '--backend', 'host', '--data-dir', join(dir, 'x'), '--grid', 'small'], /field --grid: only applies to --backend sim/],
  ['an unknown backend', ['apply', opsFile, '--backend', 'cloud'], /field --backend: must be one of sim, host/],
  ['worker host without --data-dir', ['worker', '--redis', 'redis://127.0.0.1:1', '--backend', 'host'], /--data-dir/],
  ['worker sim with --data-dir', ['worker', '--redis', 'redis://127.0.0.1:1', '--data-dir', 'x'], /field --data-dir: only applies to --backend host/],
];

for (const [what, argv, message] of badFlags) {
  test(`exit 2 naming the flag: ${what}`, async (t) => {
    const { code, stderr } = await cli(...argv);
    t.is(code, 2, stderr);
    t.regex(stderr, message);
    t.notRegex(stderr, stackFrame);
  });
}

test('worker --backend host serves a queue: its own nodes run the deployment, the owner gets the outcomes', async (t) => {
  const redis = await startPrivateRedis();
  const queue = 'host-worker-test';
  const child = spawn(process.execPath, [builtBinary(), 'worker', '--redis', redis.url, '--queue', queue, '--backend', 'host', '--data-dir', join(dir, 'worker'), '--nodes', '2'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The owner's own backend answers nothing here: the worker calls its nodes directly.
  const owner = await HostBackend.open({ dataDir: join(dir, 'owner'), nodes: 1 });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('worker: ready')) resolve();
      });
      void exited.then((code) => reject(new Error(`worker exited (${code}): ${log}`)));
    });
    t.regex(log, /host backend of 2 nodes/);
    const transport = await openBullmqTransport({ backend: owner, clock: new WallPacedClock(new Simulation()), redisUrl: redis.url, queue, localWorkers: 0 });
    try {
      const results: OperationResult[] = [];
      for (const op of ops) {
        const { delayS: _d, id: _id, ...rest } = op as Record<string, unknown>;
        const handle = await transport.submit(validateOperation(rest, 'test') as Operation);
        await transport.drain();
        results.push(await transport.wait(handle));
      }
      t.deepEqual(results.map((r) => r.state), ['ok', 'ok', 'ok'], JSON.stringify(results));
      t.deepEqual(results[2]!.value, { value: { sizeBytes: 100, tag: 'v' } });
      // The owner's nodes saw nothing: the namespace lives in the worker's.
      t.regex((await t.throwsAsync(owner.zdbGet('50-1-db', 'k'))).message, /namespace 50-1-db not found/);
    } finally {
      await transport.close();
    }
  } finally {
    child.kill('SIGTERM');
    t.is(await exited, 0, log);
    await owner.close();
    await redis.stop();
  }
});
