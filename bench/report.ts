// `bench report`: what `run --out` costs. The compiled `zos-testbed run SCENARIO` with and without
// `--out DIR`, in child processes, interleaved; CPU time (user + system) of each, median of N, and their ratio.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Args } from '../cli/args.js';
import { projectPath } from '../sim/project-files.js';
import { benchMain } from './bench-main.js';
import { median, runChild } from './child-cpu.js';

export interface ReportBench {
  readonly scenario: string;
  readonly seed: string;
  readonly until: string | null;
  readonly rounds: number;
  /** Median CPU seconds of the run without reports (the reference) and with --out. */
  readonly plainCpuS: number;
  readonly outCpuS: number;
  /** outCpuS / plainCpuS: the issue asks for at most 1.5. */
  readonly ratio: number;
  readonly plainCpuSAll: readonly number[];
  readonly outCpuSAll: readonly number[];
}

/** A run's verdict (0 ok, 1 check failed, 3 safety, 4 liveness) is no benchmark error; bad input or a crash is. */
const verdictCodes = new Set([0, 1, 3, 4]);

function timedRun(argv: readonly string[]): number {
  const r = runChild(argv);
  if (r.status === null || !verdictCodes.has(r.status)) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return r.cpuS;
}

export function benchReport(scenario: string, seed: string, until: string | undefined, rounds: number): ReportBench {
  const base = [projectPath('bin/zos-testbed.js'), 'run', scenario, '--seed', seed, ...(until === undefined ? [] : ['--until', until]), '--json'];
  const dir = mkdtempSync(join(tmpdir(), 'zos-bench-report-'));
  const plain: number[] = [];
  const out: number[] = [];
  try {
    // Interleaved, so that load from other work on the machine hits both sides alike.
    for (let i = 0; i < rounds; i++) {
      plain.push(timedRun(base));
      out.push(timedRun([...base, '--out', join(dir, String(i))]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const round = (x: number): number => Number(x.toFixed(2));
  const [plainCpuS, outCpuS] = [median(plain), median(out)];
  return { scenario, seed, until: until ?? null, rounds, plainCpuS: round(plainCpuS), outCpuS: round(outCpuS), ratio: Number((outCpuS / plainCpuS).toFixed(3)), plainCpuSAll: plain.map(round), outCpuSAll: out.map(round) };
}

await benchMain('report', {
  run(args: Args) {
    const scenario = args.string('scenario', 'capacity-10k-year');
    const seed = args.string('seed', '1');
    const rounds = args.number('rounds', { min: 1, max: 100, integer: true, default: 3 });
    const r = benchReport(scenario, seed, args.string('until'), rounds);
    const what = `run ${r.scenario} --seed ${r.seed}${r.until === null ? '' : ` --until ${r.until}`}`;
    const human = [
      `CPU time (user + system) of the compiled \`${what}\`, median of ${r.rounds} interleaved runs each`,
      `  without --out   ${r.plainCpuS} s (reference, same run)`,
      `  with --out      ${r.outCpuS} s  (${r.ratio}×)`,
    ].join('\n');
    return { document: r, human };
  },
});
