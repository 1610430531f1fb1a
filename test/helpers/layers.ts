// The layer checker behind test/layers.test.ts: scans sources, resolves relative imports, and finds
// imports against DESIGN.md's arrows and import cycles. Package imports are ignored, and imports are
// found by pattern, not by a full TypeScript parse: an import hidden in a string can fool it.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { projectPath } from '../../sim/project-files.js';

/** One row of the layer table: a top-level folder and the folders it may import besides itself. */
export interface LayerRule {
  readonly folder: string;
  /** Folders this one may import; `'anything'` for bench/ and test/. */
  readonly mayImport: readonly string[] | 'anything';
}

/**
 * The README's layer table ("## Layout"), top to bottom; dependencies point down it only. Parsed from
 * the project's own docs, so the docs and the check cannot drift apart.
 */
export const layerTable: readonly LayerRule[] = parseLayerTable(readFileSync(projectPath('README.md'), 'utf8'));

/** A source file by its repository-relative POSIX path (`sim/engine/clock.ts`). */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** A relative import found in a file, with the file it points to. */
export interface ImportEdge {
  readonly from: string;
  readonly line: number;
  readonly specifier: string;
  /** Repository-relative path of the target; the unresolved guess when no file matched. */
  readonly target: string;
  readonly resolved: boolean;
}

export interface Violation {
  readonly edge: ImportEdge;
  readonly reason: string;
}

const sourceExtensions = ['.ts', '.tsx'];

/** Every .ts/.tsx file under the given top-level folders, skipping node_modules. */
export function scanSources(root: string, folders: readonly string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    const absolute = posix.join(root, dir);
    if (!existsSync(absolute)) return;
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && isSource(entry.name)) files.push({ path, text: readFileSync(posix.join(root, path), 'utf8') });
    }
  };
  for (const folder of folders) walk(folder);
  return files.sort((a, b) => compare(a.path, b.path));
}

function isSource(name: string): boolean {
  return sourceExtensions.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts');
}

// Static `import … from '…'`, side-effect `import '…'` and `export … from '…'`, anchored at a line
// start so that comment lines (`// import …`, ` * import …`) do not count. The clause may span lines.
const staticImport = /^[ \t]*(?:import|export)\s+(?:[^'";=()]*?\bfrom\s*)?(['"])([^'"\n]+)\1/gm;
const dynamicImport = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** Relative module specifiers in a source text, with the 1-based line of each specifier. */
export function extractImports(text: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number; at: number }[] = [];
  for (const pattern of [staticImport, dynamicImport]) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[2] ?? '';
      const at = (match.index ?? 0) + match[0].lastIndexOf(specifier);
      if (!specifier.startsWith('.')) continue;
      if (pattern === dynamicImport && insideLineComment(text, match.index ?? 0)) continue;
      found.push({ specifier, line: lineAt(text, at), at });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ specifier, line }) => ({ specifier, line }));
}

/** Whether a position sits in a `//` comment or on a JSDoc line: there `import('…')` is prose. */
function insideLineComment(text: string, at: number): boolean {
  const prefix = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  return prefix.includes('//') || /^\s*(\*|\/\*)/.test(prefix);
}

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The file a relative specifier names. NodeNext code writes `./x.js` for `./x.ts`, so `.js` tries the
 * TypeScript sources first; a bare `./x` tries `.ts`, `.tsx` and `index.ts`.
 */
export function resolveImport(from: string, specifier: string, exists: (path: string) => boolean): { target: string; resolved: boolean } {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = base.replace(/\.(js|jsx|mjs)$/, '');
  const candidates =
    stem === base
      ? [base, ...sourceExtensions.map((ext) => base + ext), ...sourceExtensions.map((ext) => posix.join(base, 'index' + ext))]
      : [...sourceExtensions.map((ext) => stem + ext), base];
  const hit = candidates.find(exists);
  return hit === undefined ? { target: base, resolved: false } : { target: hit, resolved: true };
}

/** Every relative import of every file, resolved against the given files plus `exists` (for JSON and the like). */
export function importEdges(files: readonly SourceFile[], exists: (path: string) => boolean = () => false): ImportEdge[] {
  const known = new Set(files.map((file) => file.path));
  const isFile = (path: string): boolean => known.has(path) || exists(path);
  return files.flatMap((file) =>
    extractImports(file.text).map(({ specifier, line }) => ({ from: file.path, line, specifier, ...resolveImport(file.path, specifier, isFile) })),
  );
}

/** The top-level folder of a repository-relative path (`sim` for `sim/engine/clock.ts`). */
export function folderOf(path: string): string {
  return path.split('/')[0] ?? '';
}

/** Imports that point against the table's arrows, or out of the table's folders altogether. */
export function findViolations(edges: readonly ImportEdge[], table: readonly LayerRule[] = layerTable): Violation[] {
  const rules = new Map(table.map((rule) => [rule.folder, rule]));
  const violations: Violation[] = [];
  for (const edge of edges) {
    const fromRule = rules.get(folderOf(edge.from));
    const to = folderOf(edge.target);
    if (fromRule === undefined || fromRule.mayImport === 'anything' || to === fromRule.folder) continue;
    if (!rules.has(to)) violations.push({ edge, reason: `${to || edge.target} is not a folder of the layer table` });
    else if (!fromRule.mayImport.includes(to)) violations.push({ edge, reason: `${fromRule.folder}/ may not import ${to}/` });
  }
  return violations;
}

/** `file:line → target (reason)`, one per line, as the failing test prints them. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map(({ edge, reason }) => `${edge.from}:${edge.line} → ${edge.target} (${reason})`).join('\n');
}

/**
 * One import cycle among resolved files, as a path that starts and ends on the same file, or
 * undefined when there is none. Type-only imports count too: a cycle of types is still a tangle.
 */
export function findCycle(edges: readonly ImportEdge[]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!edge.resolved) continue;
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.target]);
  }
  const done = new Set<string>();
  for (const start of [...next.keys()].sort(compare)) {
    const cycle = cycleFrom(start, next, done);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** Depth-first search with an explicit stack, so that long import chains cannot overflow the call stack. */
function cycleFrom(start: string, next: ReadonlyMap<string, string[]>, done: Set<string>): string[] | undefined {
  if (done.has(start)) return undefined;
  const path: string[] = [start];
  const onPath = new Set(path);
  const pending: number[] = [0];
  while (path.length > 0) {
    const node = path[path.length - 1]!;
    const targets = next.get(node) ?? [];
    const index = pending[pending.length - 1]!;
    if (index >= targets.length) {
      done.add(node);
      onPath.delete(node);
      path.pop();
      pending.pop();
      continue;
    }
    pending[pending.length - 1] = index + 1;
    const target = targets[index]!;
    if (onPath.has(target)) return [...path.slice(path.indexOf(target)), target];
    if (done.has(target)) continue;
    path.push(target);
    onPath.add(target);
    pending.push(0);
  }
  return undefined;
}

/** The folders named in the first column of DESIGN.md's "Layers" table, in table order. */
/**
 * The layer table under a markdown heading: each row's first cell names folders (`` `sim/` ``), its last
 * cell what they may import: `—` (nothing), `anything`, `all above`, or a comma-separated list of
 * folders, each perhaps followed by a remark in parentheses. Throws when the table is missing or a
 * row names no folder, so a reworded README fails the check loudly rather than emptying it.
 */
export function parseLayerTable(markdown: string, heading = 'Layout'): LayerRule[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(heading));
  if (section === undefined) throw new Error(`no '## ${heading}' section with the layer table`);
  // Skip the header row and the |---| separator.
  const rows = section.split('\n').filter((line) => line.startsWith('|')).slice(2);
  const table: LayerRule[] = [];
  for (const row of rows) {
    const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
    const folders = [...(cells[0] ?? '').matchAll(/`([^`/]+)\/`/g)].map((match) => match[1] ?? '');
    if (folders.length === 0) throw new Error(`layer table row names no folder: ${row}`);
    const above = table.map((rule) => rule.folder);
    const mayImport = parseMayImport(cells.at(-1) ?? '', above);
    for (const folder of folders) table.push({ folder, mayImport });
  }
  if (table.length === 0) throw new Error(`'## ${heading}' has no layer table rows`);
  return table;
}

function parseMayImport(cell: string, above: readonly string[]): readonly string[] | 'anything' {
  if (cell === 'anything') return 'anything';
  if (cell === '—' || cell === '-') return [];
  if (cell === 'all above') return [...above].reverse();
  return cell.replace(/\([^)]*\)/g, '').split(',').map((name) => name.trim().replace(/`|\/$/g, ''));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
