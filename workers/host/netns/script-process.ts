// A small Node script run inside a namespace (`ip netns exec … node -e SCRIPT`): the relays, dialers and
// listeners that let this process reach into, or be reached from, a node, a network resource or a
// machine. One way to start them (ready at their first stdout line, or an error naming where and
// carrying their stderr) and one way to stop them (SIGKILL, then wait for the exit).

import { spawn, type ChildProcess } from 'node:child_process';
import type { NodeNamespace } from './grid.js';

export interface ScriptOptions {
  /** Names the process in errors: "relay in ztb-ab12-n3 100.64.0.2:9900". */
  readonly what: string;
  readonly readyTimeoutMs: number;
  /** Keep a pipe to its stdin: a script that exits when its stdin ends dies with this process. */
  readonly stdinPipe?: boolean;
}

export async function startScriptIn(ns: NodeNamespace, script: string, args: readonly string[], options: ScriptOptions): Promise<ChildProcess> {
  const [command, ...rest] = ns.exec([process.execPath, '-e', script, ...args]);
  const child = spawn(command!, rest, { stdio: [options.stdinPipe === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.what}: not ready after ${options.readyTimeoutMs / 1000} s: ${err.trim()}`)), options.readyTimeoutMs);
      child.stdout!.once('data', () => (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${options.what} exited (${String(code)}) before it was ready: ${err.trim()}`))));
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILL and wait for the exit (at once when it has exited already). */
export async function killScript(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
