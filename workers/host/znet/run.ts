// Running iproute2 / wireguard-tools commands for the Z-Net on this host, with a timeout and an error
// that names the command and what it printed. Leaves out retries: every command here is idempotent
// at the call site or checked before it runs.

import { execFile } from 'node:child_process';

/** Long enough for `ip` under a loaded 2-core machine; a stuck command must not hang a deploy. */
const commandTimeoutMs = 20_000;

export class CommandError extends Error {
  constructor(readonly argv: readonly string[], readonly stderr: string, readonly exitCode: number | null) {
    super(`'${argv.join(' ')}' failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no output)'}`);
    this.name = 'CommandError';
  }
}

/** Runs argv and answers its stdout; rejects with a CommandError on a non-zero exit or a timeout. */
export function run(argv: readonly string[], input?: string): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: commandTimeoutMs, encoding: 'utf8', maxBuffer: 4 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      const code = typeof error.code === 'number' ? error.code : null;
      reject(new CommandError(argv, stderr || error.message, code));
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Like run, but a failure answers false (for probes: does this namespace or link exist). */
export async function succeeds(argv: readonly string[]): Promise<boolean> {
  try {
    await run(argv);
    return true;
  } catch {
    return false;
  }
}

/** `ip netns exec NS …argv`: the argv prefix that runs a command inside a namespace. */
export function inNamespace(namespace: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', namespace, ...argv];
}
