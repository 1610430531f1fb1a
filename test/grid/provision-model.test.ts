// Model-based test of the provision engine: random deploy/update/cancel/pause/resume/reboot sequences on
// one node against a reference model of workload states and held memory. Leaves out timing and failing teardowns.

import test from 'ava';
import fc from 'fast-check';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { ProvisionRejected } from '../../sim/grid/provision/admission.js';
import { GiB, bed, disk, doc, net, vm, type Bed } from './provision-fixtures.js';
import { fcParams } from '../helpers/fc-params.js';

type State = 'ok' | 'error' | 'deleted' | 'paused' | 'unchanged';
interface ModelDeployment {
  accepted: Deployment;
  readonly states: Map<string, State>;
}
interface Model {
  readonly deployments: Map<number, ModelDeployment>;
  nextName: number;
}

const vmBytes = 2 * GiB;
const holds = (s: State): boolean => s === 'ok' || s === 'paused' || s === 'unchanged';
const terminal = (s: State): boolean => s === 'error' || s === 'deleted';

/** Drains the node's queue and compares every deployment's states and the memory held with the model. */
function settleAndCompare(m: Model, r: Bed): void {
  r.sim.run();
  for (const contractId of [1, 2, 3]) {
    const expected = m.deployments.get(contractId);
    const real = r.service.deployment(0, contractId);
    if (expected === undefined) {
      if (real !== undefined) throw new Error(`contract ${contractId} should be gone`);
      continue;
    }
    const got = Object.fromEntries(real!.workloads.map((w) => [w.name, w.result!.state]));
    const want = Object.fromEntries(expected.states);
    if (JSON.stringify(got, Object.keys(got).sort()) !== JSON.stringify(want, Object.keys(got).sort()) || Object.keys(got).length !== expected.states.size) {
      throw new Error(`contract ${contractId}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  let heldBytes = 0;
  for (const d of m.deployments.values()) {
    for (const w of d.accepted.workloads) if (w.type === 'zmachine' && holds(d.states.get(w.name)!)) heldBytes += vmBytes;
  }
  if (r.grid.memoryReservedBytes(0) !== heldBytes) throw new Error(`memory held ${r.grid.memoryReservedBytes(0)}, model ${heldBytes}`);
}

function expectRejected(f: () => void, reason: string): void {
  try {
    f();
  } catch (error) {
    if (error instanceof ProvisionRejected && error.reason === reason) return;
    throw error;
  }
  throw new Error(`expected a ${reason} rejection`);
}

class Deploy implements fc.Command<Model, Bed> {
  constructor(readonly contractId: number, readonly withVm: boolean, readonly withBad: boolean) {}
  check = (): boolean => true;
  run(m: Model, r: Bed): void {
    const workloads: Workload[] = [net(), disk('stuck')];
    if (this.withVm) workloads.push(vm('vm', vmBytes));
    if (this.withBad) workloads.push(disk('bad'));
    const d = doc(this.contractId, workloads);
    if (m.deployments.has(this.contractId)) return expectRejected(() => r.service.deploy(0, d), 'exists');
    r.service.deploy(0, d);
    m.deployments.set(this.contractId, { accepted: d, states: new Map(workloads.map((w) => [w.name, w.name === 'bad' ? 'error' : 'ok'])) });
    settleAndCompare(m, r);
  }
  toString = (): string => `deploy(${this.contractId}, vm=${this.withVm}, bad=${this.withBad})`;
}

/** Adds a disk, resizes the disks (`stuck` fails its update) and may remove the oldest added disk. */
class Update implements fc.Command<Model, Bed> {
  constructor(readonly contractId: number, readonly touchVm: boolean, readonly remove: boolean) {}
  check = (m: Readonly<Model>): boolean => m.deployments.has(this.contractId);
  run(m: Model, r: Bed): void {
    const md = m.deployments.get(this.contractId)!;
    const version = md.accepted.version + 1;
    if (this.touchVm && md.accepted.workloads.some((w) => w.type === 'zmachine')) {
      const next = doc(this.contractId, md.accepted.workloads.map((w) => (w.type === 'zmachine' ? { ...w, version } : w)), version);
      return expectRejected(() => r.service.update(0, next), 'not-upgradable');
    }
    const removed = this.remove ? md.accepted.workloads.find((w) => w.name.startsWith('n')) : undefined;
    const added = disk(`n${m.nextName++}`, GiB, version);
    const kept = md.accepted.workloads.filter((w) => w !== removed).map((w) => (w.type === 'zmount' ? disk(w.name, GiB * version, version) : w));
    const next = doc(this.contractId, [...kept, added], version);
    r.service.update(0, next);
    md.accepted = next;
    if (removed !== undefined && !terminal(md.states.get(removed.name)!)) md.states.set(removed.name, 'deleted');
    for (const w of kept) {
      const s = md.states.get(w.name)!;
      if (w.type !== 'zmount' || terminal(s)) continue;
      md.states.set(w.name, s === 'paused' ? 'paused' : w.name === 'stuck' ? 'unchanged' : 'ok');
    }
    md.states.set(added.name, 'ok');
    settleAndCompare(m, r);
  }
  toString = (): string => `update(${this.contractId}, touchVm=${this.touchVm}, remove=${this.remove})`;
}

class Cancel implements fc.Command<Model, Bed> {
  constructor(readonly contractId: number) {}
  check = (m: Readonly<Model>): boolean => m.deployments.has(this.contractId);
  run(m: Model, r: Bed): void {
    r.service.cancel(0, this.contractId);
    m.deployments.delete(this.contractId);
    settleAndCompare(m, r);
  }
  toString = (): string => `cancel(${this.contractId})`;
}

class Flip implements fc.Command<Model, Bed> {
  constructor(readonly contractId: number, readonly pause: boolean) {}
  check = (m: Readonly<Model>): boolean => m.deployments.has(this.contractId);
  run(m: Model, r: Bed): void {
    if (this.pause) r.service.pause(0, this.contractId);
    else r.service.resume(0, this.contractId);
    const [from, to]: State[] = this.pause ? ['ok', 'paused'] : ['paused', 'ok'];
    const states = m.deployments.get(this.contractId)!.states;
    for (const [name, s] of states) if (s === from) states.set(name, to!);
    settleAndCompare(m, r);
  }
  toString = (): string => `${this.pause ? 'pause' : 'resume'}(${this.contractId})`;
}

class Reboot implements fc.Command<Model, Bed> {
  constructor(readonly powerLoss: boolean) {}
  check = (): boolean => true;
  run(m: Model, r: Bed): void {
    if (this.powerLoss) {
      r.grid.powerOff(0);
      r.script.existing.clear();
      r.grid.powerOn(0);
    } else r.grid.reboot(0);
    settleAndCompare(m, r);
  }
  toString = (): string => `reboot(powerLoss=${this.powerLoss})`;
}

const contract = fc.integer({ min: 1, max: 2 });
const update = fc.tuple(contract, fc.boolean(), fc.boolean()).map(([c, v, x]) => new Update(c, v, x));
const flip = fc.tuple(contract, fc.boolean()).map(([c, p]) => new Flip(c, p));
const commands = fc.commands(
  [
    fc.tuple(contract, fc.boolean(), fc.boolean()).map(([c, v, b]) => new Deploy(c, v, b)),
    // Repeated entries weigh the draw towards what needs an existing deployment.
    update,
    update,
    contract.map((c) => new Cancel(c)),
    flip,
    flip,
    fc.boolean().map((p) => new Reboot(p)),
  ],
  { maxCommands: 60, size: 'large' },
);

test('random operation sequences agree with the reference model of workload states', (t) => {
  fc.assert(
    fc.property(commands, (cmds) => {
      const r = bed({ nodes: 1 });
      r.script.fail.add('provision:bad').add('update:stuck');
      fc.modelRun(() => ({ model: { deployments: new Map(), nextName: 0 }, real: r }), cmds);
    }),
    { ...fcParams('provision-model', 150), verbose: true },
  );
  t.pass();
});
