// `apply FILE`: applies a JSON list of operations to a simulated grid, or to real nodes on this host,
// through a transport and prints the run's state hash and every operation's outcome. Leaves out the
// work itself (scheduler/testbed.ts).

import type { Command } from '../command.js';
import type { Args } from '../args.js';
import { WallPacedClock } from '../../sim/engine/realtime.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { InputError } from '../../sim/errors.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import { Testbed, type TransportChoice } from '../../scheduler/testbed.js';
import { gridByName, gridNames } from '../../scenarios/grids.js';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { readJsonFile } from '../read-json.js';
import { transports } from '../commands/apply.js';
import type { CommandContext } from '../command.js';

/** The work of `apply`; its flags and usage are in cli/commands/apply.ts. */
export async function applyCommand(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
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
  const backend = args.oneOf('backend', ['sim', 'host'] as const, 'sim');
  for (const flag of ['data-dir', 'nodes', 'hub', 'zdb'] as const) {
    if (backend === 'sim' && args.has(flag)) throw new InputError('command line', `--${flag}`, 'only applies to --backend host');
  }
  const { testbed, close } = backend === 'host'
    ? await openHostTestbed(args, { seed, transport: choice, where: file })
    : { testbed: (await openSimTestbed({ seed, grid, transport: choice, where: file, reconcile })).testbed, close: async () => {} };
  try {
    for (const op of ops) await testbed.submit(op);
    await testbed.run();
    const state = await testbed.state();
    const report: Report = { stateHash: state.stateHash, ops: state.ops.map(({ id, state: s, error }) => ({ id, state: s, error })) };
    if (reconcile) report.audit = (state.audit ?? []).map(({ atS, reason, contractId, node, detail }) => ({ atS, reason, contractId: contractId ?? null, node: node ?? null, detail }));
    out.result(report, () => summary(report));
  } finally {
    await testbed.close();
    await close();
  }
  return 0;
}

/**
 * A Testbed over a HostBackend: the owner's clock is wall-paced (delays and backoffs take real time);
 * BullMQ's local workers call the host directly, as a `worker --backend host` process would.
 */
async function openHostTestbed(args: Args, options: { seed: string; transport: TransportChoice; where: string }): Promise<{ testbed: Testbed; close: () => Promise<void> }> {
  for (const flag of ['grid', 'reconcile'] as const) {
    if (args.has(flag)) throw new InputError('command line', `--${flag}`, 'only applies to --backend sim');
  }
  const dataDir = args.required('data-dir');
  const nodes = args.number('nodes', { integer: true, min: 1, max: 256, default: 8 });
  const zdb = args.oneOf('zdb', ['in-process', 'process'] as const, 'in-process');
  // Real hosts bring ioredis (the zdb client) and the host modules: loaded only for --backend host.
  const { HostBackend } = await import('../../workers/host-backend/index.js');
  const host = await HostBackend.open({ dataDir, nodes, zdb, ...hubOption(args.string('hub')) });
  const clock = new WallPacedClock(new Simulation());
  const backend = host;
  const choice = options.transport;
  const transport: TransportChoice = choice === 'inprocess' || typeof choice === 'function' ? choice : async (context) => {
    const { openBullmqTransport } = await import('../../scheduler/transports/bullmq/index.js');
    return openBullmqTransport({ ...context, localBackend: backend, ...(choice === 'bullmq' ? {} : { redisUrl: choice.redis }) });
  };
  try {
    const testbed = await Testbed.open({ backend, clock, seed: options.seed, transport, where: options.where });
    return { testbed, close: () => host.close() };
  } catch (error) {
    await host.close();
    throw error;
  }
}

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

/** `--hub` as HostBackend's option: absent means the backend serves DATA-DIR/hub itself. */
function hubOption(hub: string | undefined): { hub?: string } {
  return hub === undefined ? {} : { hub };
}
