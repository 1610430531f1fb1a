// Exact steady-state figures of the M/M/1 and M/M/c queues (ANCHORS 4.1), the reference the
// engine is validated against. Only stable queues (ρ < 1) have them.

export interface QueueFigures {
  /** Mean number in the system. */
  L: number;
  /** Mean time in the system, seconds. */
  W: number;
  /** Mean time waiting before service, seconds. */
  Wq: number;
  /** Mean number waiting. */
  Lq: number;
}

export interface MmcFigures extends QueueFigures {
  /** Probability that an arrival waits (Erlang C). */
  erlangC: number;
}

/** Erlang B by its recursion B(k) = a·B(k−1) / (k + a·B(k−1)): stable for large c, unlike factorials. */
export function erlangB(servers: number, offeredErlangs: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredErlangs * b) / (k + offeredErlangs * b);
  return b;
}

/** Erlang C from Erlang B: C = c·B / (c − a·(1 − B)). */
export function erlangC(servers: number, offeredErlangs: number): number {
  const b = erlangB(servers, offeredErlangs);
  return (servers * b) / (servers - offeredErlangs * (1 - b));
}

/** M/M/c; c = 1 reduces to M/M/1 (C = ρ). λ and μ in 1/s. */
export function mmcExact(lambdaPerS: number, muPerS: number, servers: number): MmcFigures {
  const a = lambdaPerS / muPerS;
  const c = erlangC(servers, a);
  const Wq = c / (servers * muPerS - lambdaPerS);
  const W = Wq + 1 / muPerS;
  return { L: lambdaPerS * W, W, Wq, Lq: lambdaPerS * Wq, erlangC: c };
}

/** M/M/1 by its own closed forms (kept separate so the two checks do not share a formula). */
export function mm1Exact(lambdaPerS: number, muPerS: number): QueueFigures {
  const rho = lambdaPerS / muPerS;
  return {
    L: rho / (1 - rho),
    W: 1 / (muPerS - lambdaPerS),
    Wq: rho / (muPerS - lambdaPerS),
    Lq: (rho * rho) / (1 - rho),
  };
}

/** Service level: the share of arrivals answered within `thresholdS` (call-centre SL). */
export function serviceLevel(lambdaPerS: number, muPerS: number, servers: number, thresholdS: number): number {
  const a = lambdaPerS / muPerS;
  return 1 - erlangC(servers, a) * Math.exp(-(servers - a) * muPerS * thresholdS);
}
