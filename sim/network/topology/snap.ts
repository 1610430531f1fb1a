// A reader for SNAP edge lists (`# comment` lines, then `FromNodeId<TAB>ToNodeId` per line).
// Leaves out weights and timestamps (extra columns are rejected); every link costs the same latency.

import { InputError } from '../../errors.js';
import { buildTopology, type Topology } from './graph.js';

const edgeLine = /^\s*(\d+)\s+(\d+)\s*$/;

/** Node indices follow the numeric order of the ids, so a file numbered 0..n−1 keeps its numbering. */
export function parseSnapEdgeList(text: string, source: string): Topology {
  const rawFrom: number[] = [];
  const rawTo: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = edgeLine.exec(line);
    if (match === null) {
      throw new InputError(`${source}:${i + 1}`, '', `expected two node ids separated by whitespace, got '${line.slice(0, 60)}'`);
    }
    const a = Number(match[1]);
    const b = Number(match[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new InputError(`${source}:${i + 1}`, '', 'node id too large');
    rawFrom.push(a);
    rawTo.push(b);
  }
  if (rawFrom.length === 0) throw new InputError(source, '', 'no edges: not a SNAP edge list');
  const ids = [...new Set([...rawFrom, ...rawTo])].sort((x, y) => x - y);
  const index = new Map(ids.map((id, i) => [id, i]));
  return buildTopology({
    source,
    labels: ids.map(String),
    from: rawFrom.map((id) => index.get(id)!),
    to: rawTo.map((id) => index.get(id)!),
  });
}
