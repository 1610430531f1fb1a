// zstor through a qsfs workload, the same on every backend: data on 4 namespaces of nodes 1, 2, 5, 6
// (k=2, n=4, so m=2), metadata on node 0, the frontend on node 3 (a node without HDDs), the qsfs naming
// them by the addresses their zdb results gave. Store, retrieve, check; m backends' nodes
// off still retrieve. The one divergence is spelt out below: the simulated frontend keeps a cache.
import { operationError } from '../../workers/errors.js';
import { behaviour, deploy, doc, GiB, MiB, zdbData, type BackendUnderTest } from './backends.js';
import { backendFromResult, zdbResultOf } from '../helpers/zdb-refs.js';
import type { ExecutionContext } from 'ava';

const twin = 60;
const key = 'ab'.repeat(32);

type BackendEntry = ReturnType<typeof backendFromResult>;

/** Step one of the real flow: deploy zdbs, read their results ({Namespace, IPs, Port}) as backend entries. */
async function namespaces(t: ExecutionContext, b: BackendUnderTest, node: number, names: string[], mode: 'seq' | 'user'): Promise<BackendEntry[]> {
  const { contractId, workloads } = await deploy(b, node, doc(twin, names.map((name) => ({ name, type: 'zdb', data: zdbData(10 * GiB, mode) }))));
  t.true(workloads.every((w) => w.state === 'ok'), JSON.stringify(workloads));
  const results = workloads.map(zdbResultOf);
  t.deepEqual(results.map((r) => r.Namespace), names.map((n) => `${twin}-${contractId}-${n}`));
  return results.map((r) => backendFromResult(r, 'pw'));
}

function qsfsConfig(meta: readonly BackendEntry[], data: readonly BackendEntry[]) {
  return {
    minimal_shards: 2, expected_shards: 4, redundant_groups: 0, redundant_nodes: 0, max_zdb_data_dir_size: 512,
    encryption: { algorithm: 'AES', key },
    meta: { type: 'zdb', config: { prefix: 'qs', encryption: { algorithm: 'AES', key }, backends: meta } },
    groups: [{ backends: data }],
    compression: { algorithm: 'snappy' },
  };
}

/** Step two: a qsfs naming those zdbs by the addresses and namespaces their results gave. */
async function deployQsfs(t: ExecutionContext, b: BackendUnderTest): Promise<string> {
  const data: BackendEntry[] = [];
  for (const node of [1, 2, 5, 6]) data.push(...(await namespaces(t, b, node, [`d${node}`], 'seq')));
  const meta = await namespaces(t, b, 0, ['m1', 'm2', 'm3', 'm4'], 'user');
  const config = qsfsConfig(meta, data);
  const { contractId, workloads } = await deploy(b, 3, doc(twin, [{ name: 'qs', type: 'qsfs', data: { cache: GiB, config } }]));
  t.deepEqual(workloads.map((w) => w.state), ['ok'], JSON.stringify(workloads));
  return `${twin}-${contractId}-qs`;
}

behaviour('zstor: a backend whose address is another 0-db\'s (not the one holding its namespace) fails the qsfs', async (t, b) => {
  const data: BackendEntry[] = [];
  for (const node of [1, 2, 5, 6]) data.push(...(await namespaces(t, b, node, [`d${node}`], 'seq')));
  const meta = await namespaces(t, b, 0, ['m1', 'm2', 'm3', 'm4'], 'user');
  // d1's namespace, but node 2's address: zstor would select a namespace that 0-db does not have.
  const wrong = [{ ...data[0]!, address: data[1]!.address }, ...data.slice(1)];
  const { workloads } = await deploy(b, 3, doc(twin, [{ name: 'qs', type: 'qsfs', data: { cache: GiB, config: qsfsConfig(meta, wrong) } }]));
  t.is(workloads[0]?.state, 'error');
  t.is(workloads[0]?.message, `failed to start zstor: zstor noPlacement: backend ${data[1]!.address}/${data[0]!.namespace} unreachable`);
});

behaviour('zstor: store, retrieve answers the size, check says uploaded once the upload ran', async (t, b) => {
  const qsfs = await deployQsfs(t, b);
  await b.backend.zstorStore(qsfs, '/a', MiB);
  t.is(await b.backend.zstorRetrieve(qsfs, '/a'), MiB);
  t.true(['cached', 'uploaded'].includes(await b.backend.zstorCheck(qsfs, '/a')));
  // quantumd's rotation uploads within 15 minutes.
  await b.idle(20 * 60);
  t.is(await b.backend.zstorCheck(qsfs, '/a'), 'uploaded');
  t.like(operationError(await t.throwsAsync(b.backend.zstorRetrieve(qsfs, '/missing'))), { code: 'E_NOT_FOUND' });
  t.like(operationError(await t.throwsAsync(b.backend.zstorStore('60-999-nope', '/a', 1))), { code: 'E_NOT_FOUND' });
});

behaviour('zstor: with m=2 data nodes off the file still comes back; m+1 off: host loses it, sim serves its cache', async (t, b) => {
  const qsfs = await deployQsfs(t, b);
  await b.backend.zstorStore(qsfs, '/f', 256 * 1024);
  await b.idle(20 * 60);
  await b.faults.powerOff(1);
  await b.faults.powerOff(2);
  t.is(await b.backend.zstorRetrieve(qsfs, '/f'), 256 * 1024);
  t.is(await b.backend.zstorCheck(qsfs, '/f'), 'uploaded');
  await b.faults.powerOff(5);
  if (b.name === 'host') {
    // No local cache on the host: one shard of the k=2 needed is left.
    t.is(await b.backend.zstorCheck(qsfs, '/f'), 'lost');
    t.like(operationError(await t.throwsAsync(b.backend.zstorRetrieve(qsfs, '/f'))), { code: 'E_DEVICE_FAILED', retryable: false });
  } else {
    // The simulated frontend still holds the file's segments in its live cache.
    t.is(await b.backend.zstorRetrieve(qsfs, '/f'), 256 * 1024);
  }
  // The nodes come back from their data: every shard is readable again.
  for (const node of [1, 2, 5]) await b.faults.powerOn(node);
  t.is(await b.backend.zstorRetrieve(qsfs, '/f'), 256 * 1024);
  t.is(await b.backend.zstorCheck(qsfs, '/f'), 'uploaded');
});

behaviour('zstor: the frontend node off → E_NODE_DOWN', async (t, b) => {
  const qsfs = await deployQsfs(t, b);
  await b.backend.zstorStore(qsfs, '/f', 1024);
  await b.faults.powerOff(3);
  t.like(operationError(await t.throwsAsync(b.backend.zstorStore(qsfs, '/g', 1024))), { code: 'E_NODE_DOWN', retryable: true });
});
