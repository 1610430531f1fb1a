// `bench tui`: how much the TUI slows a simulation down. The 10,000-node capacity scenario for one
// simulated day, headless (the same LiveRun, nothing drawn) against the TUI at max speed through Ink.

import type { Args } from '../cli/args.js';
import { TuiController } from '../cli/tui/controller.js';
import { LiveRun } from '../scenarios/live.js';
import { loadScenario } from '../scenarios/load.js';
import { benchMain } from './bench-main.js';

// React's production build, as `zos-testbed tui` loads it: it picks its build on first load, so
// React, Ink and the App load after the choice (and this file has no JSX, whose runtime import
// would load React first).
process.env['NODE_ENV'] = 'production';
const { render } = await import('ink-testing-library');
const { App } = await import('../cli/tui/app.js');
const { createElement } = await import('react');

const name = 'capacity-10k-year';
/**
 * One simulated day: since scenarios run through the scheduler (every arrival a job, placed, retried
 * while no node has room) this scenario makes about 0.7 million events a day at 10,000 nodes, so a
 * day is tens of seconds per variant on a loaded machine and enough ticks (over a hundred) to measure.
 */
const untilS = 86_400;

interface Pace {
  readonly events: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly note: string;
}

/** `run`'s pacing without --out: 200 slices, no gauge samples, nothing drawn. */
async function headless(): Promise<Pace> {
  const run = await LiveRun.open(loadScenario(name));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= 200; i++) await run.advance(untilS / 200);
  const cpu = process.cpuUsage(cpu0);
  await run.close();
  return { events: run.world.sim.eventCount, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, note: '' };
}

/** The TUI at max speed, paced by its own timer, every tick drawn by Ink (10,000 nodes: farm bars). */
async function tui(record: boolean): Promise<Pace> {
  const controller = new TuiController({ scenario: name, speedS: Infinity, reportDir: 'unused', record });
  const app = render(createElement(App, { controller }));
  // Opening (building 10,000 nodes) is start-up, not the TUI's cost per event.
  await controller.ready();
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const off = controller.subscribe(() => {
        if ((controller.getState().snapshot?.nowS ?? 0) < untilS) return;
        off();
        controller.stop();
        resolve();
      });
      controller.startTimer();
    });
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const { simMs, snapshotMs, ticks } = controller.cost;
    const note = `${app.frames.length} frames, ${ticks} ticks: ${simMs.toFixed(0)} ms simulating, ${snapshotMs.toFixed(0)} ms reading state, ${(wallMs - simMs - snapshotMs).toFixed(0)} ms drawing and idle`;
    return { events: controller.getState().snapshot!.events, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, note };
  } finally {
    app.unmount();
    await controller.close();
  }
}

const rate = (p: Pace): number => p.events / (p.wallMs / 1000);
const best = (ps: Pace[]): Pace => ps.sort((a, b) => rate(b) - rate(a))[0]!;
const line = (label: string, p: Pace): string =>
  `${label}: ${p.events} events in ${p.wallMs.toFixed(0)} ms wall, ${p.cpuMs.toFixed(0)} ms CPU (${Math.round(rate(p))} events/s)${p.note === '' ? '' : `; ${p.note}`}`;

const cpuPerEventUs = (p: Pace): number => (p.cpuMs * 1000) / p.events;

await benchMain('tui', {
  async run(args: Args) {
    const rounds = args.number('rounds', { min: 1, max: 20, integer: true, default: 3 });
    // A/B/C back to back, best of each: the machine's load is noisy (TOOLCHAIN gotcha 13).
    const runs: { h: Pace[]; bare: Pace[]; rec: Pace[] } = { h: [], bare: [], rec: [] };
    for (let i = 0; i < rounds; i++) {
      runs.h.push(await headless());
      runs.bare.push(await tui(false));
      runs.rec.push(await tui(true));
    }
    const [h, bare, rec] = [best(runs.h), best(runs.bare), best(runs.rec)];
    const document = {
      headlessEventsPerS: Math.round(rate(h)),
      tuiEventsPerS: Math.round(rate(bare)),
      tuiRecordingEventsPerS: Math.round(rate(rec)),
      slowdownFraction: Number((1 - rate(bare) / rate(h)).toFixed(3)),
      slowdownRecordingFraction: Number((1 - rate(rec) / rate(h)).toFixed(3)),
      cpuPerEventUs: { headless: Number(cpuPerEventUs(h).toFixed(2)), tui: Number(cpuPerEventUs(bare).toFixed(2)), tuiRecording: Number(cpuPerEventUs(rec).toFixed(2)) },
      rounds,
    };
    const human = [line('headless             ', h), line('tui --no-record      ', bare), line('tui (recording for w)', rec), `slowdown vs headless: ${(document.slowdownFraction * 100).toFixed(1)} % (target ≤ 20 %), ${(document.slowdownRecordingFraction * 100).toFixed(1)} % recording`].join('\n');
    return { document, human };
  },
});
