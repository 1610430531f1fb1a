// A process on a pseudo-terminal, as corex starts every process (forkpty in corex src/server.c
// process_init): output kept in a 16 KiB ring (corex LOGS_SIZE) and fanned out to listeners, input and
// window size written back. Node has no forkpty, so a small python3 relay (stdlib pty) owns the PTY.

import { accessSync, constants } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

/** corex src/server.h LOGS_SIZE: what a late reader or a new terminal gets replayed. */
export const LOGS_SIZE_BYTES = 16384;

export interface PtyExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the command could not be executed at all (corex's `crashed` state). */
  readonly error?: string;
}

/**
 * The relay: waits for one line on stdin (the caller puts it in the cgroup first), forks on a new PTY
 * (the child is a session leader, so its pid is its process group), reports `pid N` on fd 3, copies
 * bytes both ways, applies `size COLS ROWS` from fd 3, and reports `exit code=N` or `exit signal=N`.
 * When fd 3 closes the owner is gone, and the command is killed: nothing outlives its corex.
 */
const RELAY = String.raw`
import os, sys, pty, select, fcntl, termios, struct, signal
CTL = 3
os.set_inheritable(CTL, False)
while True:
    b = os.read(0, 1)
    if not b: os._exit(111)
    if b == b'\n': break
pid, master = pty.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as e:
        os.write(CTL, ('error %s\n' % e.strerror).encode())
    os._exit(127)
def size(cols, rows):
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
size(80, 24)
os.write(CTL, b'pid %d\n' % pid)
inputs, ctlbuf, status = [0, master, CTL], b'', None
def pump():
    data = os.read(master, 65536)
    if data: os.write(1, data)
    return data
while status is None:
    ready = select.select(inputs, [], [], 0.05)[0]
    for fd in ready:
        if fd == master:
            try:
                if not pump(): inputs.remove(master)
            except OSError:
                inputs.remove(master)
        elif fd == 0:
            data = os.read(0, 65536)
            if not data: inputs.remove(0)
            while data: data = data[os.write(master, data):]
        else:
            data = os.read(CTL, 4096)
            if not data:
                inputs.remove(CTL)
                try: os.killpg(pid, signal.SIGKILL)
                except OSError: pass
            ctlbuf += data
            while b'\n' in ctlbuf:
                line, ctlbuf = ctlbuf.split(b'\n', 1)
                words = line.split()
                if len(words) == 3 and words[0] == b'size': size(int(words[1]), int(words[2]))
    done, st = os.waitpid(pid, os.WNOHANG)
    if done == pid: status = st
while master in inputs and select.select([master], [], [], 0)[0]:
    try:
        if not pump(): break
    except OSError:
        break
if os.WIFSIGNALED(status): os.write(CTL, b'exit signal=%d\n' % os.WTERMSIG(status))
else: os.write(CTL, b'exit code=%d\n' % os.WEXITSTATUS(status))
`;

function python3(): string {
  // Debian's interpreter first: a version-manager shim on PATH needs its own environment.
  for (const candidate of ['/usr/bin/python3', '/usr/local/bin/python3']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  throw new Error('python3 not found: the CoreX PTY relay needs it (apt-get install -y python3-minimal)');
}

const signalNames = new Map<number, NodeJS.Signals>(Object.entries(osConstants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

export interface PtySpawn {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where the relay's own complaints go (the machine log). */
  readonly stderrFd: number;
  /** Called with the relay's pid before the command runs: put it in the machine's cgroup here. */
  readonly admit: (relayPid: number) => void;
}

type OutputListener = (chunk: Buffer) => void;

export class PtyProcess {
  private ring = Buffer.alloc(0);
  private readonly listeners = new Set<OutputListener>();
  private exitSeen: PtyExit | undefined;
  readonly exited: Promise<PtyExit>;

  private constructor(
    private readonly relay: ChildProcess,
    /** The command's pid: the PTY session leader, as corex reports forkpty's child. */
    readonly pid: number,
    exited: Promise<PtyExit>,
  ) {
    this.exited = exited;
    void exited.then((exit) => (this.exitSeen = exit));
  }

  static async spawn(spec: PtySpawn): Promise<PtyProcess> {
    const relay = spawn(python3(), ['-I', '-c', RELAY, spec.command, ...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['pipe', 'pipe', spec.stderrFd, 'pipe'],
    });
    const control = relay.stdio[3] as Readable & Writable;
    const lines = controlLines(control);
    // 'close', not 'exit': the last control line (the exit status) has been read by then.
    const relayExit = new Promise<PtyExit>((resolve) => relay.once('close', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      relay.once('spawn', resolve);
      relay.once('error', reject);
    });
    try {
      spec.admit(relay.pid!);
    } catch (error) {
      relay.kill('SIGKILL');
      await relayExit;
      throw error;
    }
    relay.stdin!.write('go\n');
    const first = await Promise.race([lines.next(), relayExit.then(() => undefined)]);
    const pidMatch = /^pid (\d+)$/.exec(first ?? '');
    if (pidMatch === null) throw new Error(`PTY relay did not start the command (${first ?? 'relay exited'})`);
    const exited = relayExit.then(() => lines.exit());
    const pty = new PtyProcess(relay, Number(pidMatch[1]), exited);
    (relay.stdout as Readable).on('data', (chunk: Buffer) => pty.output(chunk));
    return pty;
  }

  /** The last LOGS_SIZE_BYTES of output, as corex's /api/process/logs. */
  logs(): Buffer {
    return this.ring;
  }

  onOutput(listener: OutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get running(): boolean {
    return this.exitSeen === undefined;
  }

  write(data: Buffer | string): void {
    if (this.running) this.relay.stdin!.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.running) (this.relay.stdio[3] as Writable).write(`size ${cols} ${rows}\n`);
  }

  /** Signals the command's process group; false when it is gone. */
  signal(signal: NodeJS.Signals | number): boolean {
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  private output(chunk: Buffer): void {
    const joined = Buffer.concat([this.ring, chunk]);
    this.ring = joined.subarray(Math.max(0, joined.length - LOGS_SIZE_BYTES));
    for (const listener of this.listeners) listener(chunk);
  }
}

/** The relay's fd-3 lines: `next()` for the pid line, `exit()` once the relay is gone. */
function controlLines(control: Readable): { next: () => Promise<string>; exit: () => PtyExit } {
  let buffered = '';
  const lines: string[] = [];
  let waiter: ((line: string) => void) | undefined;
  control.setEncoding('utf8');
  control.on('data', (text: string) => {
    buffered += text;
    let cut: number;
    while ((cut = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 1);
      if (waiter !== undefined && /^(pid|error) /.test(line)) {
        const w = waiter;
        waiter = undefined;
        w(line);
      } else lines.push(line);
    }
  });
  control.on('error', () => undefined);
  return {
    next: () => new Promise<string>((resolve) => (waiter = resolve)),
    exit: () => {
      const error = lines.find((l) => l.startsWith('error '))?.slice(6);
      const last = lines.filter((l) => l.startsWith('exit ')).at(-1);
      const code = /code=(\d+)/.exec(last ?? '');
      const signal = /signal=(\d+)/.exec(last ?? '');
      return {
        code: code === null ? null : Number(code[1]),
        signal: signal === null ? null : (signalNames.get(Number(signal[1])) ?? 'SIGKILL'),
        ...(error === undefined ? {} : { error }),
      };
    },
  };
}
