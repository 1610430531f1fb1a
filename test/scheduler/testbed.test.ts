// The public Testbed over a simulated grid: the README example runs as written, deploy is a flow,
// the example operation files replay to the same state hash per seed, and faults heal as written.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import type { TestbedState } from '../../scheduler/testbed.js';
import { repoRoot } from '../helpers/cli.js';
import { fixedExample } from '../helpers/world.js';

const opFiles = ['deployments', 'zdb-traffic', 'faults'];

async function applyFile(name: string, seed: string | number): Promise<TestbedState> {
  const file = join(repoRoot, 'scenarios', 'ops', `${name}.json`);
  const ops = validateOperationList(JSON.parse(readFileSync(file, 'utf8')), file);
  const { testbed } = await openSimTestbed({ seed, grid: 'small', where: file });
  for (const op of ops) await testbed.submit(op);
  await testbed.run();
  const state = await testbed.state();
  await testbed.close();
  return state;
}

test("the README's example runs as written", async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Queueing operations'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) return t.fail('no ts block in the README section');
  const dir = mkdtempSync(join(tmpdir(), 'readme-example-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'example.mts');
  writeFileSync(script, code.replaceAll("from './", `from '${repoRoot}/`));
  const { status, stdout, stderr } = await runNode(script);
  t.is(status, 0, stderr);
  // The view carries the zdb's result now, so inspect breaks the object over lines.
  t.regex(stdout, /^ok \{\s+contractId: 1,\s+workloads: \[\s*\{\s*name: 'store',\s*type: 'zdb',\s*state: 'ok',\s*message: '',\s*data: /m);
  t.regex(stdout, /\{ state: 'ok', value: \{ key: 'hello' \} \}/);
  t.regex(stdout, /^[0-9a-f]{64} \[ 'op-1 completed', 'op-2 completed' \]/m);
  t.regex(stderr, /0\.000 s queued op-1/);
});

test('deploy with a node is a flow: the node fetches the flist, then the deployment is created', async (t) => {
  const { testbed } = await openSimTestbed({ seed: 3 });
  const events: string[] = [];
  testbed.on((e) => events.push(`${e.kind} ${e.id}`));
  const handle = await testbed.deploy(fixedExample(), { node: 0, id: 'web' });
  const result = await testbed.wait(handle);
  t.is(result.state, 'ok');
  t.deepEqual(events, ['queued web', 'queued web/flist-0', 'active web/flist-0', 'completed web/flist-0', 'active web', 'completed web']);
  const state = await testbed.state();
  t.deepEqual(state.ops.map((op) => [op.id, op.kind, op.state]), [['web', 'deployment.create', 'completed'], ['web/flist-0', 'flist.fetch', 'completed']]);
  await testbed.close();
});

for (const name of opFiles) {
  test(`scenarios/ops/${name}.json: the same seed gives the same state hash, another seed another`, async (t) => {
    const [first, again, other] = [await applyFile(name, 11), await applyFile(name, 11), await applyFile(name, 12)];
    t.is(again.stateHash, first.stateHash);
    t.deepEqual(again.ops, first.ops);
    t.not(other.stateHash, first.stateHash);
    t.true(first.ops.every((op) => op.state === 'completed' || op.state === 'failed'), 'every operation finished');
  });
}

test('deployments.json: the second update with the same idempotency key is answered without running', async (t) => {
  const { ops } = await applyFile('deployments', 1);
  const byId = Object.fromEntries(ops.map((op) => [op.id, op]));
  t.deepEqual([byId['db-grow']?.state, byId['db-grow']?.attempt], ['completed', 1]);
  t.deepEqual([byId['db-grow-again']?.state, byId['db-grow-again']?.attempt], ['completed', 0]);
  t.true(ops.every((op) => op.state === 'completed'));
});

test('faults.json: a write to a powered-off node is retried until it is back; the hub outage exhausts its attempts', async (t) => {
  const { ops } = await applyFile('faults', 1);
  const byId = Object.fromEntries(ops.map((op) => [op.id, op]));
  t.is(byId['set-while-off']?.state, 'completed');
  t.true((byId['set-while-off']?.attempt ?? 0) > 1, 'retried at least once');
  t.deepEqual([byId['fetch-hub-down']?.state, byId['fetch-hub-down']?.attempt], ['failed', 2]);
  t.is(byId['get-after']?.state, 'completed');
  t.deepEqual(ops.filter((op) => op.state === 'failed').map((op) => op.id), ['fetch-hub-down']);
});

function runNode(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
