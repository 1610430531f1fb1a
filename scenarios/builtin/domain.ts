// DOMAIN.md section 5 as scenarios, each grid-expressible failure with its real outcome as invariants.
// Leaves out 5.10, 5.11 (no fault kinds yet) and 5.13–5.15 (Z-Net, planetary, gateways: not on grids yet).

import { UP_WINDOW_S } from '../../sim/grid/uptime.js';
import type { InvariantSpec, Scenario } from '../scenario.js';

/** Every DOMAIN scenario checks these besides its own outcome: they hold whatever the fault. */
const always: readonly InvariantSpec[] = [{ kind: 'errors-terminal' }, { kind: 'capacity-bounds' }, { kind: 'converged' }];

/**
 * Each shows what zos itself does (DOMAIN 5), so the scheduler's reconciler stays out of it; only
 * farm-partition shows the reconciler healing.
 */
const base = {
  grid: 'small',
  durationS: '20m',
  convergeWithinS: '2h',
  reconcile: false,
} as const satisfies Partial<Scenario>;

/** 16 zdb namespaces (4 metadata, 12 data over the farms) under one qsfs that takes a 64 MiB file every 30 s. */
const zstorBase = {
  ...base,
  grid: 'farm100',
  durationS: '3h',
  workload: [
    { name: 'backends', kind: 'zdb', count: 16, diskBytes: 100 * 2 ** 30 },
    { name: 'fs', kind: 'qsfs', backends: 'backends', node: 1, atS: 60, diskBytes: 10 * 2 ** 30, writeEveryS: { kind: 'exponential', meanS: 30 }, fileBytes: 64 * 2 ** 20 },
  ],
} as const satisfies Partial<Scenario>;

export const domainScenarios: readonly Scenario[] = [
  {
    ...base,
    name: 'ssd-failure-under-zmount',
    description: 'DOMAIN 5.1: the SSD under a zmount dies; the VM crash-loops and is deleted, the zmount still says ok',
    workload: [{ name: 'web', kind: 'vm', node: 0 }],
    faults: [{ kind: 'fail-ssd', group: 'web', atS: '10m' }],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'web', workload: 'vm', state: 'deleted', messageMatches: 'so many crashes' },
      { kind: 'workload-state', group: 'web', workload: 'disk', state: 'ok' },
    ],
  },
  {
    ...base,
    name: 'power-loss-during-deployment',
    description: 'DOMAIN 5.2: power lost while a VM boots; the job replays at boot and the deployment comes up',
    workload: [{ name: 'web', kind: 'vm', node: 0 }],
    faults: [{ kind: 'crash', node: 0, atS: 0.5, repairAfterS: '5m' }],
    invariants: [
      ...always,
      ...(['net', 'disk', 'vm'] as const).map((workload): InvariantSpec => ({ kind: 'workload-state', group: 'web', workload, state: 'ok' })),
      { kind: 'deployments-ok' },
    ],
  },
  {
    ...base,
    name: 'error-terminal-across-reboot',
    description: 'DOMAIN 5.2: a VM that failed (hub down at flist mount) stays error after the node reboots',
    workload: [{ name: 'web', kind: 'vm', node: 1 }],
    faults: [
      { kind: 'hub-outage', atS: 0, durationS: '1m' },
      { kind: 'reboot', node: 1, atS: '2m' },
    ],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'web', workload: 'vm', state: 'error' },
      { kind: 'workload-state', group: 'web', workload: 'disk', state: 'ok' },
    ],
  },
  {
    ...base,
    name: 'node-offline-hours',
    description: 'DOMAIN 5.3: a node offline for hours shows up for 80 min, then down; zos never migrates its deployment',
    durationS: '5h',
    workload: [{ name: 'db', kind: 'zdb', node: 2 }],
    faults: [{ kind: 'crash', node: 2, atS: 100 }],
    invariants: [
      ...always,
      { kind: 'node-status', node: 2, status: 'up', atS: UP_WINDOW_S - 60 },
      { kind: 'node-status', node: 2, status: 'down', atS: UP_WINDOW_S + 60 },
      { kind: 'node-status', node: 2, status: 'down', atS: 5 * 3600 - 1 },
      { kind: 'workload-state', group: 'db', workload: 'db', state: 'ok' },
      { kind: 'deployments-ok' },
    ],
  },
  {
    ...base,
    name: 'cancelled-while-offline',
    description: 'DOMAIN 5.4: a contract cancelled while its node is off is deprovisioned by the boot-time chain sync',
    durationS: '2h',
    workload: [{ name: 'db', kind: 'zdb', node: 2 }],
    faults: [{ kind: 'crash', node: 2, atS: 100, repairAfterS: 3500 }],
    actions: [{ kind: 'cancel', group: 'db', atS: 100 }],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'db', workload: 'db', state: 'ok', atS: 3500 },
      { kind: 'deployment-removed', group: 'db' },
      { kind: 'capacity-released' },
    ],
  },
  {
    ...base,
    name: 'out-of-funds',
    description: 'DOMAIN 5.5: out of funds pauses (capacity kept), a top-up resumes, 14 days unfunded deletes',
    durationS: 900 + 14 * 86_400 + 3600,
    workload: [{ name: 'web', kind: 'vm', node: 0, twin: 49 }],
    actions: [
      { kind: 'unfund', twin: 49, atS: 600, topUpAfterS: 100 },
      { kind: 'unfund', twin: 49, atS: 900 },
    ],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'web', workload: 'vm', state: 'paused', atS: 700 },
      { kind: 'workload-state', group: 'web', workload: 'vm', state: 'ok', atS: 800 },
      { kind: 'deployment-removed', group: 'web' },
      { kind: 'capacity-released' },
    ],
  },
  {
    ...base,
    name: 'contract-mismatch',
    description: 'DOMAIN 5.6: hash mismatch, wrong node or missing contract: every workload error, nothing deployed',
    workload: [
      { name: 'hash', kind: 'zdb', node: 2, tamper: 'hash' },
      { name: 'elsewhere', kind: 'zdb', node: 2, tamper: 'wrong-node' },
      { name: 'missing', kind: 'zdb', node: 2, tamper: 'no-contract' },
    ],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'hash', workload: 'db', state: 'error', messageMatches: 'hash does not match' },
      { kind: 'workload-state', group: 'elsewhere', workload: 'db', state: 'error', messageMatches: 'is for node 3' },
      { kind: 'workload-state', group: 'missing', workload: 'db', state: 'error', messageMatches: 'not found' },
    ],
  },
  {
    ...base,
    name: 'partial-deployment',
    description: 'DOMAIN 5.7: two VMs, memory for one: the first ok, the second error; the rollback deletes both',
    workload: [{ name: 'pair', kind: 'vm-pair', node: 0, memoryFraction: 0.5 }],
    actions: [{ kind: 'cancel', group: 'pair', atS: '10m' }],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'pair', workload: 'first', state: 'ok', atS: '10m' },
      { kind: 'workload-state', group: 'pair', workload: 'second', state: 'error', messageMatches: '^cannot fulfil required memory$', atS: '10m' },
      { kind: 'deployment-removed', group: 'pair' },
      { kind: 'capacity-released' },
    ],
  },
  {
    ...base,
    name: 'unsupported-update',
    description: 'DOMAIN 5.8: a zmachine changed in place is refused at once; a shrunk zdb is unchanged, old config kept',
    workload: [
      { name: 'web', kind: 'vm', node: 0 },
      { name: 'db', kind: 'zdb', node: 2 },
    ],
    actions: [
      { kind: 'update', group: 'web', change: 'zmachine', atS: '10m' },
      { kind: 'update', group: 'db', change: 'shrink-zdb', atS: '10m' },
    ],
    invariants: [
      ...always,
      { kind: 'update-refused', group: 'web' },
      { kind: 'workload-state', group: 'web', workload: 'vm', state: 'ok' },
      { kind: 'workload-state', group: 'db', workload: 'db', state: 'unchanged' },
    ],
  },
  {
    ...base,
    name: 'hub-unreachable',
    description: 'DOMAIN 5 extra: with the flist hub down new zmachines fail at flist mount; running ones keep going',
    workload: [
      { name: 'first', kind: 'vm', node: 0 },
      { name: 'second', kind: 'vm', node: 1, atS: '10m' },
    ],
    faults: [{ kind: 'hub-outage', atS: '10m' }],
    invariants: [
      ...always,
      { kind: 'workload-state', group: 'first', workload: 'vm', state: 'ok' },
      { kind: 'workload-state', group: 'second', workload: 'vm', state: 'error', messageMatches: 'flist' },
      { kind: 'deployments-ok', group: 'first' },
    ],
  },
  {
    ...zstorBase,
    name: 'zstor-backend-lost',
    description: 'DOMAIN 5.9: the HDD under a zstor data backend dies; the repair sweep rebuilds every affected object elsewhere, nothing is lost',
    faults: [{ kind: 'fail-zdb', group: 'backends', index: 6, atS: '1h' }],
    invariants: [...always, { kind: 'zstor-no-loss', group: 'fs' }, { kind: 'zstor-redundant', group: 'fs' }],
  },
  {
    ...zstorBase,
    name: 'qsfs-frontend-dies',
    description: 'DOMAIN 5.12: the qsfs frontend node dies; only files of the last rotation window (+ upload) are lost, the rest is kept',
    faults: [{ kind: 'crash', group: 'fs', atS: '2h', repairAfterS: '10m' }],
    invariants: [...always, { kind: 'qsfs-loss-window', group: 'fs', windowS: '20m' }, { kind: 'zstor-no-loss', group: 'fs' }, { kind: 'zstor-redundant', group: 'fs' }],
  },
  {
    ...base,
    name: 'farm-partition',
    description: 'A farm cut off for 2 h (its nodes crash together): the reconciler re-places its deployments after 15 min; on return the old copies are cleaned up',
    reconcile: true,
    grid: 'farm100',
    durationS: '4h',
    workload: [
      { name: 'dbs', kind: 'zdb', count: 60, intervalS: { kind: 'exponential', meanS: 60 } },
      { name: 'vms', kind: 'vm', count: 30, intervalS: { kind: 'exponential', meanS: 120 } },
    ],
    faults: [{ kind: 'partition', farm: 'farm-north', atS: '1.5h', durationS: '2h' }],
    invariants: [...always, { kind: 'max-down-fraction', fraction: 0.25 }, { kind: 'deployments-ok' }, { kind: 'capacity-released' }],
  },
];
