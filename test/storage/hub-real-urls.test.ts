// The simulated hub serves every URL of the real hubs' form as a synthetic image drawn from the URL,
// through the public path: a document naming tf-official-vms/ubuntu-22.04.flist deploys via the Testbed.
import test from 'ava';
import { openSimTestbed } from '../../scenarios/testbed.js';
import type { Deployment } from '../../sim/grid/deployment.js';
import { FlowNetwork } from '../../sim/hardware/flow-network.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { Hub } from '../../sim/storage/flist/hub.js';
import { parseHubFlistUrl } from '../../sim/storage/flist/hub-url.js';
import { fixedExample } from '../helpers/world.js';

const ubuntu = 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist';

function hub(options: { synthesiseRealUrls?: boolean } = {}): Hub {
  return new Hub(new FlowNetwork(new Simulation()), { bandwidthBytesPerS: 1e8, ...options });
}

test('real hub URL forms parse; others do not', (t) => {
  t.like(parseHubFlistUrl(ubuntu), { host: 'hub.grid.tf', user: 'tf-official-vms', file: 'ubuntu-22.04.flist', image: 'ubuntu-22.04', format: 'flist' });
  t.like(parseHubFlistUrl('https://hub.grid.tf/tf-official-apps/base:latest.flist'), { image: 'base:latest' });
  t.like(parseHubFlistUrl('https://hub.threefold.me/someone.3bot/app.fl'), { user: 'someone.3bot', format: 'fl' });
  for (const bad of ['https://hub.grid.tf/ubuntu.flist', 'https://hub.grid.tf/a/b/c.flist', 'https://hub.grid.tf/a/b.tar.gz',
    'https://example.com/a/b.flist', 'ftp://hub.grid.tf/a/b.flist', 'not a url', 'https://hub.grid.tf/a/b.flist?x=1']) {
    t.is(parseHubFlistUrl(bad), null, bad);
  }
});

test('an unpublished official image is served, the same image for the same URL on any hub instance', (t) => {
  const a = hub().lookup(ubuntu);
  const b = hub().lookup(ubuntu);
  t.is(a.url, ubuntu);
  t.is(a.totalBytes, b.totalBytes);
  t.deepEqual(a.files.map((f) => f.blocks.map((x) => x.hash)), b.files.map((f) => f.blocks.map((x) => x.hash)));
  t.false(a.isVmImage, 'the micro-VM ubuntu is a rootfs');
  t.true(a.bootPaths.length > 0);
  // Another image differs, but one of the same distribution version shares the base layer's blocks.
  const lts = hub().lookup('https://hub.grid.tf/tf-official-vms/ubuntu-22.04-lts.flist');
  t.not(lts.totalBytes, a.totalBytes);
  const blocksOf = (path: string) => JSON.stringify(a.file(path)?.blocks);
  t.is(JSON.stringify(lts.file('/sbin/init')?.blocks), blocksOf('/sbin/init'));
  t.not(JSON.stringify(lts.file('/opt/app/f0')?.blocks), blocksOf('/opt/app/f0'));
});

test('a -full image is a full-disk VM image; other forms and a hub without synthesis say not found', (t) => {
  const full = hub().lookup('https://hub.grid.tf/tf-official-vms/ubuntu-24.04-full.flist');
  t.true(full.isVmImage);
  t.true(full.totalBytes >= 1.5 * 2 ** 30 && full.totalBytes <= 3.5 * 2 ** 30, String(full.totalBytes));
  t.throws(() => hub().lookup('https://hub.grid.tf/none.flist'), { message: /not found on the hub/ });
  t.throws(() => hub({ synthesiseRealUrls: false }).lookup(ubuntu), { message: /flist https:\/\/hub.grid.tf\/tf-official-vms\/ubuntu-22.04.flist not found on the hub/ });
});

function withFlist(doc: Deployment, flist: string): Deployment {
  return { ...doc, workloads: doc.workloads.map((w) => (w.type === 'zmachine' ? { ...w, data: { ...w.data, flist } } : w)) } as Deployment;
}

test('through the Testbed: a deployment booting tf-official-vms/ubuntu-22.04.flist deploys, the flist fetched first', async (t) => {
  const { testbed, world } = await openSimTestbed({ seed: 5 });
  t.teardown(() => testbed.close());
  const result = await testbed.wait(await testbed.deploy(withFlist(fixedExample(), ubuntu), { node: 0, id: 'vm' }));
  t.is(result.state, 'ok', JSON.stringify(result));
  const value = result.value as { workloads: { type: string; state: string }[] };
  t.deepEqual(value.workloads.map((w) => [w.type, w.state]), [['zmount', 'ok'], ['network', 'ok'], ['zmachine', 'ok']]);
  const state = await testbed.state();
  t.deepEqual(state.ops.map((op) => [op.kind, op.state]), [['deployment.create', 'completed'], ['flist.fetch', 'completed']]);
  t.true(world.blockCache(0).stats.metadataFetches >= 1);
});
