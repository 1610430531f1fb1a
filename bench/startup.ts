// `bench startup`: what the command line costs before it does anything. The CPU time (user + system)
// of the compiled `zos-testbed version` and `help`, against `node -e 0` run interleaved with them.
// CPU, not wall time, because other work on the machine stretches wall time (TOOLCHAIN gotcha 13).

import type { Args } from '../cli/args.js';
import { projectPath } from '../sim/project-files.js';
import { benchMain } from './bench-main.js';
import { runChild } from './child-cpu.js';

export interface StartupBench {
  rounds: number;
  nodeCpuMs: number;
  versionCpuMs: number;
  helpCpuMs: number;
  versionRatio: number;
  helpRatio: number;
}

function cpuMsOf(argv: readonly string[]): number {
  const r = runChild(argv);
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.cpuS * 1000;
}

export function benchStartup(rounds: number): StartupBench {
  const binary = projectPath('bin/zos-testbed.js');
  const sides = { node: ['-e', '0'], version: [binary, 'version'], help: [binary, 'help'] };
  const total = { node: 0, version: 0, help: 0 };
  // One untimed run each warms the file cache; then the three alternate, so load hits them alike.
  for (const argv of Object.values(sides)) cpuMsOf(argv);
  for (let i = 0; i < rounds; i++) {
    for (const [side, argv] of Object.entries(sides) as [keyof typeof sides, string[]][]) total[side] += cpuMsOf(argv);
  }
  const mean = (ms: number): number => Number((ms / rounds).toFixed(1));
  const [nodeCpuMs, versionCpuMs, helpCpuMs] = [mean(total.node), mean(total.version), mean(total.help)];
  return { rounds, nodeCpuMs, versionCpuMs, helpCpuMs, versionRatio: Number((versionCpuMs / nodeCpuMs).toFixed(2)), helpRatio: Number((helpCpuMs / nodeCpuMs).toFixed(2)) };
}

await benchMain('startup', {
  run(args: Args) {
    const rounds = args.number('rounds', { min: 1, max: 1000, integer: true, default: 20 });
    const r = benchStartup(rounds);
    const human = [
      `CPU time per run, mean of ${r.rounds} interleaved runs each`,
      `  node -e 0             ${r.nodeCpuMs} ms (reference, same run)`,
      `  zos-testbed version   ${r.versionCpuMs} ms  (${r.versionRatio}×)`,
      `  zos-testbed help      ${r.helpCpuMs} ms  (${r.helpRatio}×)`,
    ].join('\n');
    return { document: r, human };
  },
});
