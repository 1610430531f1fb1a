// HostBackend and real hub URLs: hub.grid.tf/<user>/<file> is fetched from the backend's own hub as
// <user>.<file>; an unpublished one fails naming both; hubAliases [] turns the mapping off.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHubFlistUrl } from '../../sim/storage/flist/hub-url.js';
import { hubUrlMapper, localFlistName } from '../../workers/host-backend/hub-map.js';
import { compileHostOptions } from '../../workers/host-backend/options.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { corexDeployment } from '../helpers/sim-backend.js';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';

const ubuntu = 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist';

test('local names: <user>.<file>, characters a hub name may not hold become _', (t) => {
  t.is(localFlistName(parseHubFlistUrl(ubuntu)!), 'tf-official-vms.ubuntu-22.04.flist');
  t.is(localFlistName(parseHubFlistUrl('https://hub.grid.tf/tf-official-apps/base:latest.flist')!), 'tf-official-apps.base_latest.flist');
});

test('the mapper rewrites aliased hosts only', (t) => {
  const map = hubUrlMapper('http://127.0.0.1:9/', ['hub.grid.tf']);
  t.is(map(ubuntu), 'http://127.0.0.1:9/flists/tf-official-vms.ubuntu-22.04.flist');
  t.is(map('http://127.0.0.1:9/flists/mine'), 'http://127.0.0.1:9/flists/mine');
  t.is(map('https://hub.threefold.me/a/b.fl'), 'https://hub.threefold.me/a/b.fl', 'not an alias here');
  t.is(hubUrlMapper('http://127.0.0.1:9/', [])(ubuntu), ubuntu);
});

test('hubAliases must be host names; the error names the option', (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-map-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  t.throws(() => compileHostOptions({ dataDir, nodes: 1, hubAliases: ['https://hub.grid.tf/'] }), { message: /hubAliases.*host names/ });
  t.deepEqual(compileHostOptions({ dataDir, nodes: 1 }).hubAliases, ['hub.grid.tf', 'playground.hub.grid.tf', 'hub.threefold.me']);
});

function machineDoc(url: string): Deployment {
  const base = corexDeployment();
  const workloads = base.workloads.map((w) => (w.type === 'zmachine' ? { ...w, data: { ...(w.data as unknown as Record<string, unknown>), flist: url } } as unknown as Workload : w));
  return { ...base, workloads };
}

async function zmachineMessage(hubAliases?: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-map-'));
  const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 1, ...(hubAliases === undefined ? {} : { hubAliases }) });
  try {
    const { contractId } = await backend.createDeployment(0, machineDoc(ubuntu));
    const views = await backend.settled(contractId, 60);
    return views.find((w) => w.type === 'zmachine')!.message;
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an unpublished real URL fails naming the local flist it maps to; without aliases the URL form is refused', async (t) => {
  t.regex(await zmachineMessage(), /has no flist tf-official-vms\.ubuntu-22\.04\.flist \(https:\/\/hub\.grid\.tf\/tf-official-vms\/ubuntu-22\.04\.flist is fetched from the local hub as http:\/\/127\.0\.0\.1:\d+\/flists\/tf-official-vms\.ubuntu-22\.04\.flist\)/);
  t.regex(await zmachineMessage([]), /must look like http:\/\/HUB\/flists\/NAME/);
});
