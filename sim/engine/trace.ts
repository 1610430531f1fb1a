// An event trace: one line per recorded happening, hashed as it grows, so two runs can be compared
// by hash (determinism checks) and kept as text when a golden file is wanted.

import { createHash, type Hash } from 'node:crypto';

export class Trace {
  private readonly hasher: Hash = createHash('sha256');
  private readonly kept: string[] | null;
  count = 0;

  /** `keepLines` keeps the text (for golden files); hashing alone needs no memory per line. */
  constructor(keepLines = false) {
    this.kept = keepLines ? [] : null;
  }

  /** Times print in JavaScript's shortest round-trip form, which is the same on every run. */
  record(timeS: number, what: string): void {
    const line = `${timeS} ${what}\n`;
    this.hasher.update(line);
    this.kept?.push(line);
    this.count++;
  }

  /** The hex SHA-256 of every line so far; the trace can keep growing after. */
  hash(): string {
    return this.hasher.copy().digest('hex');
  }

  get lines(): readonly string[] {
    return this.kept ?? [];
  }
}
