// A zmachine with CoreX through the port, the same on every backend: it boots from an flist, CoreX
// starts, lists and kills a process in it, stop/start pause and resume it; unknown machines are refused.
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { operationError } from '../../workers/errors.js';
import { corexDeployment } from '../helpers/sim-backend.js';
import { behaviour, deploy } from './backends.js';

function machineDoc(url: string, entrypoint: string): Deployment {
  const base = corexDeployment();
  const workloads = base.workloads.map((w) => {
    if (w.type !== 'zmachine') return w;
    const data = w.data as unknown as Record<string, unknown>;
    return { ...w, data: { ...data, flist: url, entrypoint } } as unknown as Workload;
  });
  return { ...base, workloads };
}

behaviour('zmachine: boots from an flist; CoreX starts, lists and kills a process; stop and start', async (t, b) => {
  const { url, entrypoint } = await b.machineFlist();
  const { contractId, workloads } = await deploy(b, 0, machineDoc(url, entrypoint));
  t.true(workloads.every((w) => w.state === 'ok'), JSON.stringify(workloads));
  const vm = `49-${contractId}-testzmachine`;
  const pid = await b.backend.corexStart(vm, '/bin/sleep 300');
  t.true(Number.isInteger(pid) && pid > 0);
  t.true((await b.backend.corexList(vm)).some((p) => p.pid === pid && /sleep 300/.test(p.command)));
  await b.backend.corexKill(vm, pid);
  t.false((await b.backend.corexList(vm)).some((p) => p.pid === pid));
  await b.backend.zmachineStop(vm);
  await b.backend.zmachineStart(vm);
  // A power cycle kills the machine; the node boots it again from the same flist.
  await b.faults.powerOff(0);
  t.like(operationError(await t.throwsAsync(b.backend.corexList(vm))), { retryable: true });
  await b.faults.powerOn(0);
  await b.idle(300);
  t.true(Array.isArray(await b.backend.corexList(vm)));
  // No such machine: start/stop say not found; CoreX calls say CoreX is unreachable (retryable).
  t.like(operationError(await t.throwsAsync(b.backend.zmachineStart('49-999-nope'))), { code: 'E_NOT_FOUND' });
  t.like(operationError(await t.throwsAsync(b.backend.corexList('49-999-nope'))), { code: 'E_NOT_READY', retryable: true });
});
