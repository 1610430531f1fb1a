// One op list applied to a fresh simulated grid through either transport, as `apply` does: the same
// World, seed and flist, so equal state hashes mean the transports agree.
import { readFileSync } from 'node:fs';
import { World } from '../../sim/grid/world.js';
import { distroFlist } from '../../sim/storage/flist/generate.js';
import { baseFlistUrl, gridByName } from '../../scenarios/grids.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import { openBullmqTransport, type BullmqTransport, type BullmqTransportOptions } from '../../scheduler/transports/bullmq/index.js';
import { Testbed, type TransportChoice } from '../../scheduler/testbed.js';
import type { Backend } from '../../workers/backend.js';
import { handlers } from '../../workers/handlers/index.js';
import type { Operation, OperationResult } from '../../workers/operations.js';
import { SimBackend } from '../../workers/sim-backend.js';
import { repoRoot } from './cli.js';

export interface RunReport {
  readonly stateHash: string;
  readonly results: readonly OperationResult[];
  /** BullMQ runs only: what the owner applied and replayed. */
  readonly stats?: ReturnType<BullmqTransport['stats']>;
}

export function opsFile(name: string): Operation[] {
  const file = `${repoRoot}scenarios/ops/${name}`;
  return validateOperationList(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function simBackendFor(seed: string | number = 1, grid = 'small'): SimBackend {
  const world = new World({ seed, grid: gridByName(grid), armDeviceFailures: false });
  world.hub.publish(distroFlist({ seed: `${String(seed)}:base`, url: baseFlistUrl }));
  return new SimBackend(world);
}

export interface RunOptions {
  readonly seed?: string | number;
  /** Wraps the owner's backend (a test counting or interfering with calls). */
  readonly wrap?: (backend: Backend) => Backend;
  /** With it the run goes over BullMQ; without, in-process. */
  readonly bullmq?: Omit<BullmqTransportOptions, 'backend' | 'clock'>;
}

/**
 * Through a Testbed, as `apply` does: jobs over the transport, fault operations to the SimBackend's
 * FaultInjector on the owner's side (never through `wrap`, which sees the handlers' Backend calls).
 */
export async function runOps(ops: readonly Operation[], options: RunOptions = {}): Promise<RunReport> {
  const sim = simBackendFor(options.seed ?? 1);
  const backend = options.wrap?.(sim) ?? sim;
  let bullmq: BullmqTransport | undefined;
  const transport: TransportChoice = options.bullmq === undefined
    ? 'inprocess'
    : async (context) => (bullmq = await openBullmqTransport({ ...context, ...options.bullmq }));
  const testbed = await Testbed.open({ backend, clock: sim.clock, faults: sim.faults, seed: options.seed ?? 1, handlers, transport, where: 'test' });
  try {
    const handles = [];
    for (const op of ops) handles.push(await testbed.submit(op));
    await testbed.run();
    const results: OperationResult[] = [];
    for (const handle of handles) results.push(await testbed.wait(handle));
    const stats = bullmq?.stats();
    return { stateHash: await sim.stateHash(), results, ...(stats === undefined ? {} : { stats }) };
  } finally {
    await testbed.close();
  }
}

/** A counting wrapper: how often each method reached the owner's real backend. */
/**
 * Counts backend calls. `onCall` may return a promise: the call then waits for it before it is
 * applied, so a test can hold a run at a known point (say, while it restarts Redis).
 */
export function countingBackend(backend: Backend, counts: Map<string, number>, onCall?: (method: string, args: unknown[]) => void | Promise<void>): Backend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'nowS') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        counts.set(String(property), (counts.get(String(property)) ?? 0) + 1);
        const held = onCall?.(String(property), args);
        const apply = (): unknown => (value as (...a: unknown[]) => unknown).apply(target, args);
        return held === undefined ? apply() : held.then(apply);
      };
    },
  });
}
