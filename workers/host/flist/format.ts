// The flist metadata file of zos-testbed: what a packed tree holds, and the hash of every block.
// Leaves out rfs's SQLite schema, uid/gid, timestamps, devices and store routing (one hub per flist).
//
// Format, version 1. One UTF-8 JSON document (a file typically named `*.fl`):
//   {
//     "format": "zos-testbed-flist",      constant, tells our files from anything else
//     "version": 1,                        readers refuse other versions
//     "blockHash": "blake2b-512/256",      how block keys are computed (block-key.ts)
//     "blockSizeBytes": 524288,            every block but a file's last is this long
//     "entries": [ ENTRY, … ],             parents before children, root excluded
//     "checksum": "sha256:<64 hex>"        sha256 of the canonical JSON of the five fields above
//   }
// ENTRY is one of, with keys in this order:
//   { "path": "etc", "type": "dir", "mode": 493 }
//   { "path": "etc/passwd", "type": "file", "mode": 420, "sizeBytes": 1203, "blocks": ["<64 hex>", …] }
//   { "path": "bin/sh", "type": "symlink", "mode": 511, "target": "busybox" }
// `path` is relative, `/`-separated, without empty, `.` or `..` segments, and its parent is an
// earlier dir entry (or the root): so materialising never writes through a symlink or outside
// the target. `mode` holds the permission bits (0..0o7777). A file has ceil(size / block size)
// blocks. The canonical JSON is JSON.stringify of the fields in the order shown, entries rebuilt
// with their keys in the order shown; the checksum catches truncation and hand edits.

import { createHash } from 'node:crypto';
import { BLOCK_HASH_NAME, BLOCK_SIZE_BYTES, blockCount, isBlockKey } from './block-key.js';
import { badFlist } from './errors.js';

export const FLIST_FORMAT = 'zos-testbed-flist';
export const FLIST_VERSION = 1;

export type FlistEntry =
  | { readonly path: string; readonly type: 'dir'; readonly mode: number }
  | { readonly path: string; readonly type: 'file'; readonly mode: number; readonly sizeBytes: number; readonly blocks: readonly string[] }
  | { readonly path: string; readonly type: 'symlink'; readonly mode: number; readonly target: string };

export type FlistFileEntry = Extract<FlistEntry, { type: 'file' }>;

/** A parsed, validated flist: only parseFlist and buildFlist make one. */
export interface FlistMeta {
  readonly version: number;
  readonly blockSizeBytes: number;
  readonly entries: readonly FlistEntry[];
  /** `sha256:<hex>`: names the content, so equal trees packed twice have equal checksums. */
  readonly checksum: string;
}

/** Validates entries (as pack produced them) and seals them with a checksum. */
export function buildFlist(entries: readonly FlistEntry[]): FlistMeta {
  const canonical = entries.map((entry, i) => checkEntry(entry, `entries[${i}]`, 'flist'));
  checkTree(canonical, 'flist');
  return { version: FLIST_VERSION, blockSizeBytes: BLOCK_SIZE_BYTES, entries: canonical, checksum: checksumOf(canonical) };
}

/** The file's text: the canonical JSON plus the checksum, one line. */
export function serializeFlist(meta: FlistMeta): string {
  return JSON.stringify({ ...body(meta.entries), checksum: meta.checksum }) + '\n';
}

/** Parses and checks a metadata file; `where` (a path or URL) and the field name every error. */
export function parseFlist(text: string | Uint8Array, where: string): FlistMeta {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch (error) {
    throw badFlist(where, '', `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(doc)) throw badFlist(where, '', 'not a JSON object');
  if (doc.format !== FLIST_FORMAT) throw badFlist(where, 'format', `must be "${FLIST_FORMAT}"`);
  if (doc.version !== FLIST_VERSION) throw badFlist(where, 'version', `unsupported version ${JSON.stringify(doc.version)} (this reader knows ${FLIST_VERSION})`);
  if (doc.blockHash !== BLOCK_HASH_NAME) throw badFlist(where, 'blockHash', `must be "${BLOCK_HASH_NAME}"`);
  if (doc.blockSizeBytes !== BLOCK_SIZE_BYTES) throw badFlist(where, 'blockSizeBytes', `must be ${BLOCK_SIZE_BYTES}`);
  if (!Array.isArray(doc.entries)) throw badFlist(where, 'entries', 'must be an array');
  const entries = doc.entries.map((entry: unknown, i: number) => checkEntry(entry, `entries[${i}]`, where));
  checkTree(entries, where);
  const checksum = checksumOf(entries);
  if (doc.checksum !== checksum) throw badFlist(where, 'checksum', `does not match the content (file says ${JSON.stringify(doc.checksum)}, content is ${checksum})`);
  return { version: FLIST_VERSION, blockSizeBytes: BLOCK_SIZE_BYTES, entries, checksum };
}

function body(entries: readonly FlistEntry[]): object {
  return { format: FLIST_FORMAT, version: FLIST_VERSION, blockHash: BLOCK_HASH_NAME, blockSizeBytes: BLOCK_SIZE_BYTES, entries };
}

function checksumOf(entries: readonly FlistEntry[]): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(body(entries))).digest('hex');
}

/** One entry checked field by field and rebuilt with its keys in canonical order. */
function checkEntry(raw: unknown, field: string, where: string): FlistEntry {
  if (!isRecord(raw)) throw badFlist(where, field, 'must be an object');
  const path = raw.path;
  if (typeof path !== 'string' || !isSafePath(path)) throw badFlist(where, `${field}.path`, `must be a relative path without empty, '.' or '..' segments, got ${JSON.stringify(path)}`);
  const mode = raw.mode;
  if (!(Number.isInteger(mode) && (mode as number) >= 0 && (mode as number) <= 0o7777)) throw badFlist(where, `${field}.mode`, `must be an integer in 0..0o7777, got ${JSON.stringify(mode)}`);
  const m = mode as number;
  if (raw.type === 'dir') return { path, type: 'dir', mode: m };
  if (raw.type === 'symlink') {
    const target = raw.target;
    if (typeof target !== 'string' || target === '' || target.includes('\0')) throw badFlist(where, `${field}.target`, 'must be a non-empty string without NUL');
    return { path, type: 'symlink', mode: m, target };
  }
  if (raw.type !== 'file') throw badFlist(where, `${field}.type`, `must be dir, file or symlink, got ${JSON.stringify(raw.type)}`);
  const size = raw.sizeBytes;
  if (!(Number.isSafeInteger(size) && (size as number) >= 0)) throw badFlist(where, `${field}.sizeBytes`, `must be a non-negative integer, got ${JSON.stringify(size)}`);
  const blocks = raw.blocks;
  if (!Array.isArray(blocks) || blocks.length !== blockCount(size as number)) throw badFlist(where, `${field}.blocks`, `must list ${blockCount(size as number)} block keys for ${String(size)} bytes`);
  blocks.forEach((key: unknown, j: number) => {
    if (typeof key !== 'string' || !isBlockKey(key)) throw badFlist(where, `${field}.blocks[${j}]`, `must be 64 lowercase hex digits, got ${JSON.stringify(key)}`);
  });
  return { path, type: 'file', mode: m, sizeBytes: size as number, blocks: [...(blocks as string[])] };
}

/** Paths unique, and each parent an earlier dir: the tree can be built top-down without surprises. */
function checkTree(entries: readonly FlistEntry[], where: string): void {
  const dirs = new Set<string>(['']);
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.path)) throw badFlist(where, `entries[${i}].path`, `duplicate path ${entry.path}`);
    seen.add(entry.path);
    const parent = entry.path.includes('/') ? entry.path.slice(0, entry.path.lastIndexOf('/')) : '';
    if (!dirs.has(parent)) throw badFlist(where, `entries[${i}].path`, `parent ${parent} of ${entry.path} is not an earlier dir entry`);
    if (entry.type === 'dir') dirs.add(entry.path);
  });
}

function isSafePath(path: string): boolean {
  if (path === '' || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
