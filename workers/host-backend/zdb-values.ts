// The bytes HostBackend writes for a port-level zdb value ({sizeBytes, tag}): deterministic content
// of exactly sizeBytes, and a registry from content digest back to the tag, so GET answers the shape
// SimBackend does. The registry is appended to a file, so a reopened data dir still knows its tags.

import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import type { ZdbValue } from '../backend.js';

/** Content standing for (tag, size): equal values give equal bytes, so 0-db's "unchanged" nil holds. */
export function valueBytes(value: ZdbValue): Buffer {
  const seed = createHash('sha256').update(`zos-testbed zdb value\0${value.tag ?? ''}\0${value.tag === undefined ? 0 : 1}`).digest();
  const out = Buffer.alloc(value.sizeBytes);
  for (let at = 0; at < out.length; at += seed.length) seed.copy(out, at);
  return out;
}

export function digestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class ZdbTagRegistry {
  private readonly tags = new Map<string, string>();

  constructor(private readonly file: string) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // A new data dir: nothing written yet.
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const { digest, tag } = JSON.parse(line) as { digest: string; tag: string };
      this.tags.set(digest, tag);
    }
  }

  /** The bytes to write for `value`, remembering its tag. */
  encode(value: ZdbValue): Buffer {
    const bytes = valueBytes(value);
    if (value.tag !== undefined) {
      const digest = digestOf(bytes);
      if (!this.tags.has(digest)) {
        this.tags.set(digest, value.tag);
        appendFileSync(this.file, `${JSON.stringify({ digest, tag: value.tag })}\n`);
      }
    }
    return bytes;
  }

  /** What GET answers for stored bytes; bytes written by someone else come back without a tag. */
  decode(bytes: Buffer): ZdbValue {
    const tag = this.tags.get(digestOf(bytes));
    return tag === undefined ? { sizeBytes: bytes.length } : { sizeBytes: bytes.length, tag };
  }
}
