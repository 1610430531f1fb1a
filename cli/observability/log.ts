// Leveled log lines for long-running processes (`worker`): plain text as the other progress lines, or
// one JSON object per line for log shippers. Leaves out rotation and sinks other than one text stream.
// Wall-clock timestamps are fine here: this is the observability layer, never simulation policy.

export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logFormats = ['text', 'json'] as const;
export type LogFormat = (typeof logFormats)[number];

/** Extra structured fields of a line: printed as key=value in text, as properties in JSON. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  /** False when lines of `level` are dropped: lets a hot path skip building them. */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** One finished line at a time, without its newline (Output.progress adds it). */
  readonly write: (line: string) => void;
  /** Wall clock for JSON `time`; injectable so tests get stable lines. */
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = logLevels.indexOf(options.level);
  const now = options.now ?? (() => new Date());
  const enabled = (level: LogLevel): boolean => logLevels.indexOf(level) <= threshold;
  return {
    enabled,
    log(level, message, fields = {}) {
      if (!enabled(level)) return;
      options.write(options.format === 'json' ? jsonLine(level, message, fields, now()) : textLine(level, message, fields));
    },
  };
}

function jsonLine(level: LogLevel, message: string, fields: LogFields, time: Date): string {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return JSON.stringify({ time: time.toISOString(), level, msg: message, ...defined });
}

/** `worker: message key=value …`; info lines carry no level tag, so they read as before. */
function textLine(level: LogLevel, message: string, fields: LogFields): string {
  const tag = level === 'info' ? '' : `${level}: `;
  const pairs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`);
  return [`${tag}${message}`, ...pairs].join(' ');
}
