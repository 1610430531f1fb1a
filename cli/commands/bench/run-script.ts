// Benchmarks run as their own processes: the CLI starts bench/NAME (compiled or under tsx, as this
// process runs) and passes its words through, so no benchmark shares a JIT with the command line (and
// cli/ never imports bench/).

import { spawn } from 'node:child_process';
import { entryArgs } from '../../../sim/project-files.js';
import type { Command } from '../../command.js';
import { signalExitCode } from '../../exit-codes.js';
import type { BenchSpec } from './specs.js';

/** A `bench NAME` command that runs bench/NAME with the same flags, stdout and exit status. */
export function benchScript(name: string, spec: BenchSpec): Command {
  return {
    name,
    ...spec,
    run(_args, { words }) {
      // The flags were validated by the parent's parser; the script parses the same words itself.
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [...entryArgs(`bench/${name}`), ...words], { stdio: 'inherit' });
        child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 70 : signalExitCode(signal))));
      });
    },
  };
}
