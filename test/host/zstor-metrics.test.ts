// The host zstor's Prometheus metrics, served over real HTTP and read back as Prometheus text: zstor's
// own series (threefoldtech/0-stor_v2 zstor/src/actors/metrics.rs) count the commands run by outcome,
// a stopped 0-db shows connection_status 0, and a repair sweep sets the fabric gauges it measured.

import anyTest, { type TestFn } from 'ava';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serveMetrics } from '../../cli/observability/metrics-server.js';
import { HostZstor, startInProcessZdb, startLocalZstorCluster } from '../../workers/host/zstor/index.js';
import { ZstorMetrics } from '../../workers/host/zstor/metrics.js';
import { parsePromText, sumOf, type Sample } from '../helpers/prom-text.js';

const test = anyTest as TestFn;
const parentDir = existsSync('/dev/shm') ? '/dev/shm' : undefined;

async function scrape(url: string): Promise<Sample[]> {
  return parsePromText(await (await fetch(url)).text());
}

async function nsinfoEntries(address: string, namespace: string): Promise<number> {
  const redis = new Redis({ host: address.split(':')[0], port: Number(address.split(':')[1]), protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    const text = String(await redis.call('NSINFO', namespace));
    return Number(/^entries: (\d+)$/m.exec(text)![1]);
  } finally {
    redis.disconnect();
  }
}

test('zstor /metrics: commands finished by success, a stopped backend down, fabric gauges from a repair sweep', async (t) => {
  const cluster = await startLocalZstorCluster({ minimalShards: 2, expectedShards: 3, groupSizes: [5], startZdb: () => startInProcessZdb({ parentDir }) });
  const metrics = new ZstorMetrics();
  const zstor = new HostZstor(cluster.config, { opTimeoutS: 2, entryBytes: 8 * 1024, seed: 'metrics-test', healthTtlS: 0, metrics });
  const server = await serveMetrics(metrics.registry, { port: 0 });
  t.teardown(async () => {
    zstor.close();
    await server.close();
    await cluster.close();
  });

  const files = [randomBytes(3000), randomBytes(20_000), randomBytes(1)];
  const stored = [];
  for (const [i, bytes] of files.entries()) stored.push(await zstor.store(`/f${i}`, bytes));
  await zstor.retrieve('/f0');
  await zstor.retrieve('/f1');
  await t.throwsAsync(zstor.retrieve('/never-stored'));
  await zstor.check('/f2');
  await t.throwsAsync(zstor.check('/never-stored'));

  const before = await scrape(server.url);
  const finished = (command: string, success: 'true' | 'false', samples = before): number => sumOf(samples, `zstore_${command}_commands_finished`, { success });
  t.is(finished('store', 'true'), 3);
  t.is(finished('store', 'false'), 0);
  t.is(finished('retrieve', 'true'), 2);
  t.is(finished('retrieve', 'false'), 1);
  t.is(finished('check', 'true'), 1);
  t.is(finished('check', 'false'), 1);
  t.is(sumOf(before, 'zstor_command_duration_seconds_count', { command: 'store' }), 3, 'one duration per store (ours)');
  t.is(sumOf(before, 'zstor_file_bytes_total', { direction: 'stored' }), files.reduce((n, f) => n + f.length, 0));
  t.is(sumOf(before, 'zstor_file_bytes_total', { direction: 'retrieved' }), files[0]!.length + files[1]!.length);
  // Every backend answered: 5 data and 4 meta series, all up; a data backend's entries are its NSINFO's.
  const status = before.filter((s) => s.name === 'connection_status');
  t.is(status.length, 9);
  t.true(status.every((s) => s.value === 1));
  t.is(status.filter((s) => s.labels.backend_type === 'meta').length, 4);
  const [address, namespace] = stored[1]!.backends[0]!.split('/') as [string, string];
  t.is(sumOf(before, 'entries', { address, namespace, backend_type: 'data' }), await nsinfoEntries(address, namespace));

  // One backend holding a shard of /f1 stops: it shows down, and the sweep rebuilds what it held.
  await cluster.groups.flat().find((s) => s.address === address)!.stop();
  const report = await zstor.repair();
  t.true(report.repairedObjects >= 1, JSON.stringify(report));
  const after = await scrape(server.url);
  t.is(sumOf(after, 'connection_status', { address, namespace }), 0, 'the stopped backend is down');
  t.is(after.filter((s) => s.name === 'connection_status' && s.value === 1).length, 8);
  t.false(after.some((s) => s.name === 'entries' && s.labels.address === address), 'a dead backend loses its NSINFO series');
  t.is(finished('rebuild', 'true', after), report.repairedObjects);
  t.is(finished('rebuild', 'false', after), report.lostPaths.length + report.failed.length);
  t.is(sumOf(after, 'fabric_objects'), 3);
  t.is(sumOf(after, 'fabric_objects_degraded'), report.objects - report.healthyObjects);
  t.is(sumOf(after, 'fabric_redundancy_margin_shards'), report.worstMarginShards!);
  t.is(sumOf(after, 'fabric_unconfigured_backends'), 0);
});

test('one ZstorMetrics watches one zstor, as zstor is one per process', async (t) => {
  const cluster = await startLocalZstorCluster({ minimalShards: 1, expectedShards: 2, startZdb: () => startInProcessZdb({ parentDir }) });
  const metrics = new ZstorMetrics();
  const first = new HostZstor(cluster.config, { metrics });
  t.teardown(async () => {
    first.close();
    await cluster.close();
  });
  t.throws(() => new HostZstor(cluster.config, { metrics }), { message: /already watch a HostZstor/ });
});
