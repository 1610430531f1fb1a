// The two ways tests run `zos-testbed`: in this process through the CLI's own entry function (most
// contract tests: fast, same parsing, same exit codes), or as the real installed binary in a child
// process, where the process boundary is the point (signals, exit statuses, stream separation).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { signalExitCode } from '../../cli/exit-codes.js';
import { projectPath } from '../../sim/project-files.js';

// From the project's own locator, so that benchmarks compiled into dist/ that use these helpers find it too.
export const repoRoot = projectPath('');
const binary = join(repoRoot, 'bin', 'zos-testbed.js');

/** The installed binary's path, once dist/ (which it runs, and `npm ci` and `npm test` build) is up to date. */
export function builtBinary(): string {
  assertBuilt();
  return binary;
}

/** A stack frame line (`    at f (file.ts:1:2)`): user mistakes must never print one. */
export const stackFrame = /\n\s+at .+:\d+:\d+/;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One command line through `runCli`, in this process, with stdout and stderr captured apart. */
export async function cli(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
}

/** The real binary as a child process; resolves when it exits. A signal's death is 128 + its number. */
export function spawnCli(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return collect(startCli(argv, options.env), options.timeoutMs ?? 60_000);
}

/** The real binary started, for tests that signal it or read it while it runs. */
export function startCli(argv: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess & { stdout: NonNullable<ChildProcess['stdout']>; stderr: NonNullable<ChildProcess['stderr']> } {
  const child = spawn(process.execPath, [builtBinary(), ...argv], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return child as ChildProcess & { stdout: NonNullable<ChildProcess['stdout']>; stderr: NonNullable<ChildProcess['stderr']> };
}

/** Waits for a started child to exit and returns what it printed. */
export function collect(child: ReturnType<typeof startCli>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zos-testbed did not exit within ${timeoutMs} ms; stderr so far:\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === null ? 70 : signalExitCode(signal)), stdout, stderr });
    });
  });
}


let built = false;

/**
 * The binary runs dist/, so a test of it is only honest when dist/ is newer than every source file.
 * `npm test` builds first; a test file run alone after an edit says to build instead of testing old code.
 */
function assertBuilt(): void {
  if (built) return;
  const compiled = join(repoRoot, 'dist', 'cli', 'main.js');
  let builtMs: number;
  try {
    builtMs = statSync(compiled).mtimeMs;
  } catch {
    throw new Error(`${compiled} is missing: run 'npm run build' (npm test and npm ci do)`);
  }
  for (const folder of ['sim', 'workers', 'scheduler', 'scenarios', 'reports', 'cli', 'bench', 'test']) {
    const newer = newestSource(join(repoRoot, folder));
    if (newer.mtimeMs > builtMs) throw new Error(`dist/ is older than ${newer.path}: run 'npm run build' (npm test does)`);
  }
  built = true;
}

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(path) : /\.tsx?$/.test(entry.name) ? { path, mtimeMs: statSync(path).mtimeMs } : newest;
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}
