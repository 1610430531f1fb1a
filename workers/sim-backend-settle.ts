// Waiting in virtual time until a node has finished with a deployment: its provision queue is idle and
// none of the deployment's workloads is `init`. Wakes on the node's result changes, polls as a fallback.

import type { World } from '../sim/grid/world.js';

/**
 * A job that changes no result (pausing a deployment in error) emits nothing: a poll catches it. It
 * backs off (1, 2, 4 … 60 s) because result changes wake the common case, and each poll is an event.
 */
const firstPollS = 1;
const maxPollS = 60;

interface Waiter {
  readonly check: () => void;
}

/** One onChange subscription per World: ProvisionService has no way to unsubscribe. */
export class SettleWaiters {
  /** By node, so a result change looks only at the waiters on its own node. */
  private readonly waiters = new Map<number, Set<Waiter>>();

  constructor(private readonly world: World) {
    world.provision.onChange((node) => {
      // The engine shifts its queue after the last result of a job: look once this event is over.
      for (const waiter of this.waiters.get(node) ?? []) world.sim.schedule(0, waiter.check);
    });
  }

  /** Resolves once `settled()` holds, or after `timeoutS` of virtual time; timers are cancelled either way. */
  wait(node: number, timeoutS: number, settled: () => boolean): Promise<void> {
    const { sim } = this.world;
    if (settled()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = sim.event<void>();
      // Only pending timers may be cancelled: the engine keeps a cancelled handle until it pops.
      let poll: number | undefined;
      let deadline: number | undefined;
      const finish = (): void => {
        if (done.triggered) return;
        const onNode = this.waiters.get(node)!;
        onNode.delete(waiter);
        if (onNode.size === 0) this.waiters.delete(node);
        if (poll !== undefined) sim.cancel(poll);
        if (deadline !== undefined) sim.cancel(deadline);
        done.succeed();
      };
      const waiter: Waiter = {
        check: () => {
          if (!done.triggered && settled()) finish();
        },
      };
      let pollS = firstPollS;
      const tick = (): void => {
        poll = undefined;
        waiter.check();
        pollS = Math.min(2 * pollS, maxPollS);
        if (!done.triggered) poll = sim.schedule(pollS, tick);
      };
      deadline = sim.schedule(timeoutS, () => {
        deadline = undefined;
        finish();
      });
      poll = sim.schedule(firstPollS, tick);
      let onNode = this.waiters.get(node);
      if (onNode === undefined) this.waiters.set(node, (onNode = new Set()));
      onNode.add(waiter);
      // Resolving through the event keeps the wake-up inside runAsync's microtask drain.
      void done.then(() => resolve());
    });
  }
}
