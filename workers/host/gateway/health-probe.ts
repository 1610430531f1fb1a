// Active HTTP health checks of one gateway backend on real time, with the simulator's policy (interval,
// timeout, N failures ⇒ unhealthy, M successes ⇒ healthy again). Leaves out passive checks on traffic.

import { request } from 'node:http';
import { RiseFall, type HealthCheckPolicy } from '../../../sim/network/gateway/health.js';
import { connectOptions, type BackendConnect } from './forward.js';

export interface HealthTransitionMs {
  readonly atMs: number;
  readonly healthy: boolean;
}

/** One GET; resolves true on any answer below 500 within `timeoutS`, false on error, timeout or 5xx. */
export function probeHttp(host: string, port: number, path: string, timeoutS: number, connect?: BackendConnect): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', ...connectOptions(connect, host, port), headers: { 'user-agent': 'zos-testbed-gateway-health' } }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
      req.destroy();
    });
    req.setTimeout(timeoutS * 1000, () => req.destroy(new Error('health probe timed out')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

export class BackendHealth {
  private readonly count: RiseFall;
  probes = 0;
  readonly transitions: HealthTransitionMs[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** Probes at once, then every intervalS; the timeout never exceeds the interval, so probes never overlap. */
  constructor(
    readonly backend: string,
    private readonly probe: () => Promise<boolean>,
    readonly policy: HealthCheckPolicy,
  ) {
    this.count = new RiseFall(policy, true);
    void this.tick();
  }

  get healthy(): boolean {
    return this.count.healthy;
  }

  get consecutiveFailures(): number {
    return this.count.consecutiveFailures;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const startedMs = Date.now();
    this.probes++;
    const ok = await this.probe();
    if (this.stopped) return;
    this.record(ok);
    const waitMs = Math.max(0, startedMs + this.policy.intervalS * 1000 - Date.now());
    this.timer = setTimeout(() => void this.tick(), waitMs);
  }

  private record(success: boolean): void {
    if (this.count.record(success)) this.transitions.push({ atMs: Date.now(), healthy: this.healthy });
  }
}
