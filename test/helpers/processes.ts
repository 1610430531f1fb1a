// The machine's processes and their command lines (NUL-separated, as /proc gives them), for tests that
// look for what they started or left behind.
import { readdirSync, readFileSync } from 'node:fs';

export function commandLines(): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      found.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8') });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}
