// Checkers of the network: probe delivery (windowed, so recovery shows), partitions at an instant and at
// the end, and the root's share of probe paths. They read world.net's cumulative stats and never change it.

import type { CompiledInvariant } from './compiled.js';
import { rootPathShare } from './root-share.js';
import type { Checker } from './checker.js';
import type { RunContext } from './run-context.js';

type NetworkInvariant = Extract<CompiledInvariant, { kind: 'planetary-delivery' | 'planetary-delivery-dips' | 'no-partition-at-end' | 'root-path-share' }>;

/** Probes routed and delivered since the previous call: the delivery of one window. */
function windowed(ctx: RunContext): () => { routed: number; delivered: number } {
  let routed = 0;
  let delivered = 0;
  return () => {
    const s = ctx.world.net.stats();
    const window = { routed: s.probesRouted - routed, delivered: s.probesDelivered - delivered };
    routed = s.probesRouted;
    delivered = s.probesDelivered;
    return window;
  };
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function networkChecker(ctx: RunContext, inv: NetworkInvariant): Checker {
  switch (inv.kind) {
    case 'planetary-delivery': {
      // The window starts with the liveness phase; each poll then judges the probes since the last one.
      let next = windowed(ctx);
      ctx.whenLiveness(() => void next());
      return {
        label: inv.label,
        phase: 'liveness',
        check: () => {
          const w = next();
          if (w.routed === 0) return 'no probe routed since the last check';
          const share = w.delivered / w.routed;
          return share >= inv.min ? null : `${w.delivered} of ${w.routed} probes delivered in the last window (${percent(share)})`;
        },
      };
    }
    case 'planetary-delivery-dips':
      return deliveryDips(ctx, inv.label, inv.below);
    case 'no-partition-at-end':
      return {
        label: inv.label,
        phase: 'liveness',
        check: () => {
          const s = ctx.world.net.stats();
          return s.partitions === 0 && s.linksDown === 0 ? null : `${s.partitions} extra piece(s), ${s.linksDown} link(s) down`;
        },
      };
    case 'root-path-share':
      return rootShareChecker(ctx, inv.label, inv.min ?? 0, inv.max ?? 1, inv.atS);
  }
}

/**
 * Samples the delivery of each probe interval during the safety phase (half an interval after the
 * probes, so never at the same instant) and keeps the lowest; the fault must have pushed it below.
 */
function deliveryDips(ctx: RunContext, label: string, below: number): Checker {
  const intervalS = ctx.scenario.probes!.intervalS;
  const next = windowed(ctx);
  let lowest = Infinity;
  let lowestAtS = NaN;
  const tick = (): void => {
    if (ctx.phase !== 'safety') return;
    const w = next();
    if (w.routed > 0 && w.delivered / w.routed < lowest) {
      lowest = w.delivered / w.routed;
      lowestAtS = ctx.world.sim.nowS;
    }
    ctx.world.sim.schedule(intervalS, tick);
  };
  ctx.world.sim.schedule(intervalS / 2, tick);
  return {
    label,
    phase: 'safety',
    check: () => (lowest < below ? null : lowest === Infinity ? 'no probe was routed' : `delivery never fell below ${percent(below)} (lowest ${percent(lowest)})`),
    note: () => (lowest < below ? `lowest ${percent(lowest)} at ${lowestAtS} s` : undefined),
  };
}

/** Safety at `atS`: the underlay is in min..max extra pieces. */
export function partitionsAt(ctx: RunContext, min: number, max: number | undefined): () => string | null {
  return () => {
    const p = ctx.world.net.stats().partitions;
    return p >= min && (max === undefined || p <= max) ? null : `${p} extra piece(s) at ${ctx.world.sim.nowS} s, expected ${min}${max === undefined ? ' or more' : `..${max}`}`;
  };
}

/** Safety, judged at `atS` (default: the end of the safety phase); the share measured is the check's note either way. */
function rootShareChecker(ctx: RunContext, label: string, min: number, max: number, atS: number | undefined): Checker {
  let measured: ReturnType<typeof rootPathShare> | undefined;
  const measure = (): ReturnType<typeof rootPathShare> => (measured ??= rootPathShare(ctx.world.net, ctx.rng(`net.root-share.${label}`)));
  if (atS !== undefined) ctx.atSafety(atS, () => void measure());
  return {
    label,
    phase: 'safety',
    check: () => {
      const m = measure();
      if (m.delivered === 0) return 'no sampled path was delivered';
      return m.share >= min && m.share <= max ? null : `${percent(m.share)} of ${m.delivered} overlay paths cross root node ${m.root}`;
    },
    note: () => (measured === undefined ? undefined : `${percent(measured.share)} of ${measured.delivered} sampled overlay paths cross root node ${measured.root} (an average node: ${percent(measured.averageNodeShare)})`),
  };
}
