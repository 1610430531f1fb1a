// A document written for the real grid, naming an official image by its hub.grid.tf URL, deploys as
// written on every backend: the simulated hub serves the URL as a synthetic image, the host backend
// fetches it from its own hub under the name it maps the URL to (workers/host-backend/hub-map.ts).
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { corexDeployment } from '../helpers/sim-backend.js';
import { behaviour, deploy } from './backends.js';

const ubuntu = 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist';

function machineDoc(url: string, entrypoint: string): Deployment {
  const base = corexDeployment();
  const workloads = base.workloads.map((w) => {
    if (w.type !== 'zmachine') return w;
    return { ...w, data: { ...(w.data as unknown as Record<string, unknown>), flist: url, entrypoint } } as unknown as Workload;
  });
  return { ...base, workloads };
}

behaviour('flist: a zmachine booting tf-official-vms/ubuntu-22.04.flist by its real URL deploys; the URL fetches', async (t, b) => {
  const { entrypoint } = await b.realHubImage(ubuntu);
  const { workloads } = await deploy(b, 0, machineDoc(ubuntu, entrypoint));
  t.true(workloads.length > 0 && workloads.every((w) => w.state === 'ok'), JSON.stringify(workloads));
  t.true((await b.backend.flistFetch(1, ubuntu)).fetchedBytes > 0, 'another node downloads it by the same URL');
  t.deepEqual(await b.backend.flistFetch(1, ubuntu), { fetchedBytes: 0 });
});
