// Where a command's words go: its result on stdout (one JSON document with --json, else a summary),
// progress and warnings on stderr. Leaves out colour, tables and the Ink UI, which render elsewhere.

/** Anything text can be written to; process.stdout, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

export interface Streams {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

export class Output {
  private reported = false;

  constructor(
    private readonly streams: Streams,
    /** True with --json: stdout then carries exactly one JSON document and nothing else. */
    readonly json: boolean,
  ) {}

  /**
   * The command's result: `document` as JSON with --json, otherwise the human summary. Called once
   * per run, because a second JSON document would make stdout unparsable for scripts.
   */
  result(document: unknown, human: string | (() => string)): void {
    if (this.reported) throw new Error('Output.result called twice in one command run');
    this.reported = true;
    this.streams.stdout.write(this.json ? toJson(document) : withNewline(typeof human === 'string' ? human : human()));
  }

  /** Progress, warnings and the seed line: stderr, so that stdout stays clean for --json. */
  progress(text: string): void {
    this.streams.stderr.write(withNewline(text));
  }
}

/** Stable, readable JSON: two-space indent, bigint as a decimal string, a final newline. */
export function toJson(document: unknown): string {
  // JSON.stringify(undefined) gives undefined, not text; a missing document prints as null.
  return (JSON.stringify(document, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2) ?? 'null') + '\n';
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}
