// Loads a topology file by its content: GraphML (Topology Zoo) or a SNAP edge list.
// Leaves out GML and other formats; an unreadable file is bad input naming the path.

import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { Topology } from './graph.js';
import { parseGraphml } from './graphml.js';
import { parseSnapEdgeList } from './snap.js';

export function loadTopology(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InputError(path, '', `cannot read topology file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseTopology(text, path);
}

/** GraphML if the text starts like XML or names a .graphml file; otherwise a SNAP edge list. */
export function parseTopology(text: string, source: string): Topology {
  const xml = text.trimStart().startsWith('<') || source.toLowerCase().endsWith('.graphml');
  return xml ? parseGraphml(text, source) : parseSnapEdgeList(text, source);
}
