// CoreX, the management endpoint of a container-mode zmachine: list/start/kill processes and TTY sessions.
// Leaves out HTTP/websocket timing, auth and output streams: calls act at once on the simulated process table.

import { ErrorCode, ZosError } from '../../errors.js';

/** The machine has no CoreX: it runs in VM mode, or was deployed with `corex: false`. */
export class CorexUnavailableError extends ZosError {
  constructor(readonly workloadId: string, readonly why: string) {
    super(ErrorCode.badInput, `${workloadId}: corex unavailable: ${why}`);
  }
}

/** CoreX exists but cannot be reached now: the machine is not running, or its network does not reach it. */
export class CorexUnreachableError extends ZosError {
  constructor(readonly workloadId: string, readonly why: string) {
    super(ErrorCode.deviceFailed, `${workloadId}: corex unreachable: ${why}`);
  }
}

/** A request named a process CoreX does not know. */
export class CorexNoSuchProcessError extends ZosError {
  constructor(readonly workloadId: string, readonly pid: number) {
    super(ErrorCode.badInput, `${workloadId}: corex: no process ${pid}`);
  }
}

export interface CorexProcess {
  readonly pid: number;
  readonly cmd: string;
  readonly startedS: number;
}

export interface TtySession {
  readonly id: number;
  readonly pid: number;
  readonly openedS: number;
  readonly isOpen: boolean;
  close(): void;
}

/** zos runs corex as PID 1 in place of the entrypoint: killing it kills the machine. */
export const COREX_PID = 1;
const COREX_CMD = '/corex --ipv6 -d 7 --interface eth0';

/** What CoreX needs from its machine. */
export interface CorexHost {
  readonly workloadId: string;
  readonly nowS: () => number;
  /** Running, not booting, paused, crashed or stopped. */
  readonly isRunning: () => boolean;
  /** PID 1 died: the machine crashes and the monitor takes over. */
  readonly onPid1Exit: (reason: string) => void;
}

class Session implements TtySession {
  isOpen = true;
  constructor(readonly id: number, readonly pid: number, readonly openedS: number) {}
  close(): void {
    this.isOpen = false;
  }
}

/** The process table and sessions of one machine's CoreX; reset when the machine restarts or stops. */
export class CorexServer {
  private processes = new Map<number, CorexProcess>();
  private sessions: Session[] = [];
  private nextPid = COREX_PID;
  private nextSession = 1;

  constructor(private readonly host: CorexHost) {
    this.reset();
  }

  /** A new guest boot: only corex itself runs; every old session is closed. */
  reset(): void {
    for (const session of this.sessions) session.close();
    this.sessions = [];
    this.processes = new Map([[COREX_PID, { pid: COREX_PID, cmd: COREX_CMD, startedS: this.host.nowS() }]]);
    this.nextPid = COREX_PID + 1;
  }

  list(): CorexProcess[] {
    return [...this.processes.values()];
  }

  start(cmd: string): CorexProcess {
    const process: CorexProcess = { pid: this.nextPid++, cmd, startedS: this.host.nowS() };
    this.processes.set(process.pid, process);
    return process;
  }

  kill(pid: number): void {
    if (!this.processes.has(pid)) throw new CorexNoSuchProcessError(this.host.workloadId, pid);
    if (pid === COREX_PID) {
      this.host.onPid1Exit('corex (pid 1) was killed');
      return;
    }
    this.processes.delete(pid);
    for (const session of this.sessions) if (session.pid === pid) session.close();
  }

  tty(pid: number): TtySession {
    if (!this.processes.has(pid)) throw new CorexNoSuchProcessError(this.host.workloadId, pid);
    const session = new Session(this.nextSession++, pid, this.host.nowS());
    this.sessions.push(session);
    return session;
  }

  openSessions(): TtySession[] {
    return this.sessions.filter((s) => s.isOpen);
  }
}

/** A client's view of one CoreX: every call first checks that the machine runs and the network reaches it. */
export class CorexClient {
  constructor(
    private readonly server: CorexServer,
    private readonly host: CorexHost,
    private readonly reachable: () => boolean,
  ) {}

  list(): CorexProcess[] {
    return this.check().list();
  }
  start(cmd: string): CorexProcess {
    return this.check().start(cmd);
  }
  kill(pid: number): void {
    this.check().kill(pid);
  }
  /** A TTY on `pid`; corex itself by default, as its web UI opens a shell there. */
  tty(pid: number = COREX_PID): TtySession {
    return this.check().tty(pid);
  }

  private check(): CorexServer {
    if (!this.host.isRunning()) throw new CorexUnreachableError(this.host.workloadId, 'machine is not running');
    if (!this.reachable()) throw new CorexUnreachableError(this.host.workloadId, 'no network path to the machine');
    return this.server;
  }
}
