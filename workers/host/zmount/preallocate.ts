// Reserving a zmount's bytes on the host disk, so a full disk shows at create time, not inside a VM.
// Node has no fallocate(2); the util-linux `fallocate` program is used when present and the file
// system supports it, and otherwise the range is written with zeros (slower, same guarantee).
// Leaves out NOCOW (chattr +C), which zos sets on btrfs; it changes nothing for accounting.

import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Preallocator = 'fallocate' | 'zero-fill';

/** Writes of this size fill a range with zeros: large enough to be quick, small enough to hold. */
const ZERO_CHUNK_BYTES = 1024 * 1024;

/** Makes [offsetBytes, offsetBytes + lengthBytes) of `path` allocated; returns how it did. */
export async function preallocate(path: string, offsetBytes: number, lengthBytes: number, prefer: Preallocator | 'auto' = 'auto'): Promise<Preallocator> {
  if (lengthBytes <= 0) return prefer === 'zero-fill' ? 'zero-fill' : 'fallocate';
  if (prefer !== 'zero-fill') {
    try {
      await run('fallocate', ['--offset', String(offsetBytes), '--length', String(lengthBytes), path]);
      return 'fallocate';
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string };
      // A full disk is an answer, not a reason to try the slow way.
      if (/No space left/i.test(e.stderr ?? '')) throw Object.assign(new Error(`no space left on the host disk for ${lengthBytes} bytes`), { code: 'ENOSPC' });
      if (prefer === 'fallocate') throw error;
    }
  }
  await zeroFill(path, offsetBytes, lengthBytes);
  return 'zero-fill';
}

async function zeroFill(path: string, offsetBytes: number, lengthBytes: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const zeros = Buffer.alloc(Math.min(ZERO_CHUNK_BYTES, lengthBytes));
    for (let done = 0; done < lengthBytes; ) {
      const n = Math.min(zeros.length, lengthBytes - done);
      const { bytesWritten } = await handle.write(zeros, 0, n, offsetBytes + done);
      done += bytesWritten;
    }
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
