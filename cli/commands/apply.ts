// `apply FILE`: applies a JSON list of operations to a simulated grid through a transport and prints
// the run's state hash and every operation's outcome. Leaves out the work itself (scheduler/testbed.ts).

import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { InputError } from '../../sim/errors.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import { gridByName, gridNames } from '../../scenarios/grids.js';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { readJsonFile } from '../read-json.js';

const transports = ['inprocess', 'bullmq'] as const;

export const apply: Command = {
  name: 'apply',
  summary: 'apply a JSON list of operations to a simulated grid; print the state hash and each outcome',
  usage: 'apply FILE [--transport inprocess|bullmq] [--redis URL] [--seed S] [--grid NAME] [--reconcile] [--json]',
  maxPositionals: 1,
  flags: {
    transport: { kind: 'value', valueName: 'inprocess|bullmq', help: 'how jobs travel: in this process, or BullMQ queues on Redis (default inprocess)' },
    redis: { kind: 'value', valueName: 'URL', help: 'the Redis of --transport bullmq; without it a private redis-server is started' },
    seed: { kind: 'value', valueName: 'S', help: 'seed of the simulated grid; the same seed replays the same run (default 1)' },
    grid: { kind: 'value', valueName: 'NAME', help: `a named grid: ${gridNames.join(', ')} (default small)` },
    reconcile: { kind: 'boolean', help: 'run the self-healing reconciler: deployments of nodes down past 15 min move elsewhere; the report adds its audit log' },
  },
  async run(args, { out }) {
    const seed = args.string('seed', '1');
    out.progress(`seed: ${seed}`);
    const file = args.positional(0, 'FILE');
    const transport = args.oneOf('transport', transports, 'inprocess');
    const grid = args.string('grid', 'small');
    gridByName(grid);
    if (transport === 'inprocess' && args.has('redis')) throw new InputError('command line', '--redis', 'only applies to --transport bullmq');
    const ops = validateOperationList(readJsonFile(file), file);
    const redis = args.string('redis');
    const choice = transport === 'bullmq' && redis !== undefined ? { redis } : transport;
    const reconcile = args.has('reconcile');
    const { testbed } = await openSimTestbed({ seed, grid, transport: choice, where: file, reconcile });
    try {
      for (const op of ops) await testbed.submit(op);
      await testbed.run();
      const state = await testbed.state();
      const report: Report = { stateHash: state.stateHash, ops: state.ops.map(({ id, state: s, error }) => ({ id, state: s, error })) };
      if (reconcile) report.audit = (state.audit ?? []).map(({ atS, reason, contractId, node, detail }) => ({ atS, reason, contractId: contractId ?? null, node: node ?? null, detail }));
      out.result(report, () => summary(report));
    } finally {
      await testbed.close();
    }
    return 0;
  },
};


type Report = {
  stateHash: string;
  ops: { id: string; state: string; error: { code: string; message: string } | null }[];
  audit?: { atS: number; reason: string; contractId: number | null; node: number | null; detail: string }[];
};

function summary(report: Report): string {
  const width = Math.max(2, ...report.ops.map((op) => op.id.length));
  const lines = report.ops.map((op) => `${op.id.padEnd(width)}  ${op.state.padEnd(9)}${op.error === null ? '' : `  ${op.error.code}: ${op.error.message}`}`);
  const failed = report.ops.filter((op) => op.state === 'failed').length;
  const audit = (report.audit ?? []).map((e) => `${e.atS.toFixed(3)} s  reconciler ${e.reason}: ${e.detail}`);
  return [...lines, ...audit, `${report.ops.length} operations, ${failed} failed; state hash ${report.stateHash}`].join('\n');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
