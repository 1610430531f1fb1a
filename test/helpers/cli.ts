// Runs the real `zos-testbed` entry point in a child process, as a user would, and collects what it
// prints. Shared by every test of a CLI contract.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A stack frame line (`    at f (file.ts:1:2)`): user mistakes must never print one. */
export const stackFrame = /\n\s+at .+:\d+:\d+/;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(...argv: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...argv], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
