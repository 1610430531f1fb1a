// Scenario JSON files for tests, written into a fresh temporary directory: built-ins bent to break a
// safety invariant or never converge, and a small random-fault scenario for determinism checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinScenario } from '../../scenarios/builtin/index.js';
import type { Scenario } from '../../scenarios/scenario.js';

export function scenarioDir(): string {
  return mkdtempSync(join(tmpdir(), 'zos-scenarios-'));
}

export function writeScenario(dir: string, name: string, content: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

function builtin(name: string): Scenario {
  const s = builtinScenario(name);
  if (s === undefined) throw new Error(`no built-in ${name}`);
  return s;
}

/** DOMAIN 5.1 with the wrong outcome claimed: the VM is said to stay ok. A safety violation. */
export function plantedSafety(): Scenario {
  const s = builtin('ssd-failure-under-zmount');
  return { ...s, name: 'planted-safety', invariants: [...s.invariants, { kind: 'workload-state', group: 'web', workload: 'vm', state: 'ok' }] };
}

/** The hub-outage scenario asking every deployment to end ok: the failed VM is error for good. */
export function neverConverges(): Scenario {
  const s = builtin('hub-unreachable');
  return { ...s, name: 'never-converges', convergeWithinS: '30m', invariants: [...s.invariants, { kind: 'deployments-ok' }] };
}

/** 40 VMs asking for 4 TiB of memory each: no node of the small grid has it, so none is placed. */
export function unplaceable(): Scenario {
  return {
    name: 'unplaceable',
    description: 'a deployment group no node can hold',
    grid: 'small',
    durationS: '10m',
    workload: [{ name: 'huge', kind: 'vm', count: 40, memoryBytes: 4 * 2 ** 40 }],
    invariants: [{ kind: 'deployments-ok' }],
  };
}

/** A hundred nodes for a day under random crashes and outages, with random placement. */
export function randomFaults(): Scenario {
  return {
    name: 'random-faults',
    description: 'random node failures and correlated outages on farm100',
    grid: 'farm100',
    durationS: '1d',
    workload: [{ name: 'dbs', kind: 'zdb', count: 50, intervalS: { kind: 'exponential', meanS: 600 } }],
    faults: [
      { kind: 'node-failures', timeToFailureS: { kind: 'exponential', meanS: 5 * 86_400 }, timeToRepairS: { kind: 'exponential', meanS: 3600 } },
      { kind: 'correlated', intervalS: { kind: 'exponential', meanS: 6 * 3600 }, fraction: { kind: 'uniform', min: 0, max: 0.1 }, durationS: { kind: 'constant', value: 1800 } },
    ],
    invariants: [{ kind: 'errors-terminal' }, { kind: 'capacity-bounds' }, { kind: 'converged' }, { kind: 'deployments-ok' }],
  };
}
