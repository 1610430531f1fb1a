// The shared entry of every benchmark script: parse flags, run, print JSON (--json) or a summary.
// Benchmarks run as their own processes (the CLI spawns them) so one cannot warm the JIT for another.

import { Args, type FlagSpecs } from '../cli/args.js';
import { reportError } from '../cli/exit-codes.js';
import { Output } from '../cli/output.js';

export interface BenchSpec {
  flags: FlagSpecs;
  run(args: Args): { document: unknown; human: string } | Promise<{ document: unknown; human: string }>;
}

/** Runs a benchmark script; errors print as the CLI prints them, with the same exit codes. */
export async function benchMain(name: string, spec: BenchSpec): Promise<void> {
  try {
    const args = Args.parse(name, process.argv.slice(2), spec.flags);
    const out = new Output({ stdout: process.stdout, stderr: process.stderr }, args.boolean('json'));
    const { document, human } = await spec.run(args);
    out.result(document, human);
  } catch (error) {
    process.exitCode = reportError(error, process.stderr);
  }
}
