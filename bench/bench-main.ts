// The shared entry of every benchmark script: parse flags, run, print JSON (--json) or a summary.
// Benchmarks run as their own processes (the CLI spawns them) so one cannot warm the JIT for another.

import { Args } from '../cli/args.js';
import { benchSpecs, type BenchName } from '../cli/commands/bench/specs.js';
import { reportError } from '../cli/exit-codes.js';
import { Output } from '../cli/output.js';

export interface BenchRun {
  run(args: Args): { document: unknown; human: string } | Promise<{ document: unknown; human: string }>;
}

/** Runs a benchmark script; errors print as the CLI prints them, with the same exit codes. */
export async function benchMain(name: BenchName, spec: BenchRun): Promise<void> {
  try {
    // The flags are defined once, in cli/commands/bench/specs.ts, for this parser and the CLI's help.
    const args = Args.parse(`bench ${name}`, process.argv.slice(2), benchSpecs[name].flags);
    const out = new Output({ stdout: process.stdout, stderr: process.stderr }, args.boolean('json'));
    const { document, human } = await spec.run(args);
    out.result(document, human);
  } catch (error) {
    process.exitCode = reportError(error, process.stderr);
  }
}
