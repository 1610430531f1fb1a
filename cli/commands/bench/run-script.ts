// Benchmarks run as their own processes: the CLI starts bench/NAME.ts under tsx and passes its
// words through, so no benchmark shares a JIT with the command line (and cli/ never imports bench/).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from '../../command.js';

const benchDir = fileURLToPath(new URL('../../../bench/', import.meta.url));

/** A `bench NAME` command that runs bench/NAME.ts with the same flags, stdout and exit status. */
export function benchScript(name: string, summary: string, usage: string, flags: Command['flags']): Command {
  return {
    name,
    summary,
    usage,
    ...(flags === undefined ? {} : { flags }),
    run(args) {
      const words = process.argv.slice(process.argv.indexOf(name) + 1);
      void args; // flags were validated by the parent's parser; the script parses them again itself.
      return new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', `${benchDir}${name}.ts`, ...words], { stdio: 'inherit' });
        child.on('exit', (code) => resolve(code ?? 70));
      });
    },
  };
}
