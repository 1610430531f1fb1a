// Node power (farmer on/off, crash and repair, reboot) and the grid proxy's up/standby/down status,
// from uptime reports every 40 min. Leaves out skipped reports of unhealthy nodes and boot duration.

import type { Clock } from '../engine/clock.js';
import { SimulationError } from '../errors.js';
import type { PowerEvent, PowerListener } from './node-api.js';
import { PowerTarget, type NodeTable } from './node-table.js';

/** zos pkg/power/uptime.go: report_uptime every 40 min. */
export const UPTIME_REPORT_INTERVAL_S = 40 * 60;
/** Grid proxy: up if the last report is at most 2 × 40 min old. */
export const UP_WINDOW_S = 2 * UPTIME_REPORT_INTERVAL_S;
/** Grid proxy: a node the farmer powered down stays "standby" while its last report is at most 24 h old. */
export const STANDBY_WINDOW_S = 24 * 3600;

export type NodeStatus = 'up' | 'standby' | 'down';

export function isOn(table: NodeTable, node: number): boolean {
  return table.powerTarget[node] === PowerTarget.up && table.failed[node] === 0;
}

/**
 * The time of the node's last uptime report, computed rather than simulated: one event per node
 * every 40 min would be 1.3·10^9 events per year at 10^5 nodes. A node reports on boot and then
 * every 40 min while on; once off, its last report is frozen at the last multiple before it went off.
 */
export function lastReportS(table: NodeTable, node: number, nowS: number): number {
  const bootS = table.bootS[node]!;
  const untilS = isOn(table, node) ? nowS : table.lastPowerChangeS[node]!;
  if (untilS < bootS) return bootS;
  return bootS + UPTIME_REPORT_INTERVAL_S * Math.floor((untilS - bootS) / UPTIME_REPORT_INTERVAL_S);
}

/** The grid proxy's rule (DOMAIN 2.6): a fresh report means up unless the farmer's target is down. */
export function nodeStatus(table: NodeTable, node: number, nowS: number): NodeStatus {
  const ageS = nowS - lastReportS(table, node, nowS);
  if (table.powerTarget[node] === PowerTarget.down) return ageS <= STANDBY_WINDOW_S ? 'standby' : 'down';
  return ageS <= UP_WINDOW_S ? 'up' : 'down';
}

/**
 * The power state machine. A node runs when the farmer's target is up and the hardware has not
 * failed; listeners hear each change of that, with `on`/`reboot` meaning "booted: re-run deployments".
 * Power-off leaves device models intact (their data survives a shutdown); callers check isOn.
 */
interface Subscription {
  /** Subscription order: a node's listeners and the grid-wide ones are called merged in it. */
  readonly seq: number;
  readonly listener: PowerListener;
}

export class PowerControl {
  private readonly listeners: Subscription[] = [];
  /** Listeners of one node each, so that a change costs the grid-wide listeners plus that node's only. */
  private readonly nodeListeners = new Map<number, Subscription[]>();
  private subscriptions = 0;

  constructor(
    private readonly table: NodeTable,
    private readonly clock: Clock,
  ) {}

  onPower(listener: PowerListener, node?: number): void {
    const subscription = { seq: this.subscriptions++, listener };
    if (node === undefined) {
      this.listeners.push(subscription);
      return;
    }
    this.check(node);
    const mine = this.nodeListeners.get(node);
    if (mine === undefined) this.nodeListeners.set(node, [subscription]);
    else mine.push(subscription);
  }

  /** The farmer powers the node down (target Down on chain); a no-op if it already is. */
  powerOff(node: number): void {
    this.check(node);
    if (this.table.powerTarget[node] === PowerTarget.down) return;
    const wasOn = isOn(this.table, node);
    this.table.powerTarget[node] = PowerTarget.down;
    if (wasOn) this.changed(node, 'off');
  }

  /** The farmer (or a Wake-on-LAN) powers the node up; a failed node boots later, on repair. */
  powerOn(node: number): void {
    this.check(node);
    if (this.table.powerTarget[node] === PowerTarget.up) return;
    this.table.powerTarget[node] = PowerTarget.up;
    if (isOn(this.table, node)) this.boot(node, 'on');
  }

  /** An instant restart; a node that is not on has nothing to restart. */
  reboot(node: number): void {
    this.check(node);
    if (isOn(this.table, node)) this.boot(node, 'reboot');
  }

  /** The hardware fails: the node stops until repair, whatever the farmer's target. */
  crash(node: number): void {
    this.check(node);
    if (this.table.failed[node] === 1) return;
    const wasOn = isOn(this.table, node);
    this.table.failed[node] = 1;
    if (wasOn) this.changed(node, 'off');
  }

  /** The hardware is fixed: the node boots if the farmer wants it up. */
  repair(node: number): void {
    this.check(node);
    if (this.table.failed[node] === 0) return;
    this.table.failed[node] = 0;
    if (isOn(this.table, node)) this.boot(node, 'on');
  }

  private boot(node: number, event: PowerEvent): void {
    this.table.bootS[node] = this.clock.nowS;
    this.changed(node, event);
  }

  private changed(node: number, event: PowerEvent): void {
    this.table.lastPowerChangeS[node] = this.clock.nowS;
    // Both lists are read afresh at each step: a listener subscribed during the call is called too,
    // last, as it would be at the end of one list.
    const all = this.listeners;
    let i = 0;
    let j = 0;
    for (;;) {
      const a = all[i];
      const b = this.nodeListeners.get(node)?.[j];
      if (a === undefined && b === undefined) return;
      if (b === undefined || (a !== undefined && a.seq < b.seq)) {
        i++;
        a!.listener(node, event);
      } else {
        j++;
        b.listener(node, event);
      }
    }
  }

  private check(node: number): void {
    if (!(Number.isInteger(node) && node >= 0 && node < this.table.nodeCount)) throw new SimulationError(`no node ${node}`);
  }
}
