// A GraphML reader for Topology Zoo files: nodes, edges and each node's Latitude/Longitude.
// Leaves out nested graphs, ports, hyperedges and every other attribute; direction is ignored (links are duplex).

import { InputError } from '../../errors.js';
import { fibreLatencyS } from './geo.js';
import { buildTopology, defaultLinkLatencyS, type Topology } from './graph.js';

interface Tag {
  readonly closing: boolean;
  readonly name: string;
  readonly attrs: Map<string, string>;
  readonly selfClosing: boolean;
  readonly line: number;
  /** Index just after '>'. */
  readonly end: number;
}

const attrPattern = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses a GraphML document; `source` names the file in errors, which also give the line. */
export function parseGraphml(text: string, source: string): Topology {
  const ids = new Map<string, number>();
  const labels: string[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const pendingEdges: { source: string; target: string; line: number }[] = [];
  let latKey: string | undefined;
  let lonKey: string | undefined;
  let sawGraph = false;
  let currentNode = -1;
  const fail = (line: number, problem: string): never => {
    throw new InputError(`${source}:${line}`, '', problem);
  };
  const tags = scanTags(text, fail);
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    if (tag.closing) {
      if (tag.name === 'node') currentNode = -1;
      continue;
    }
    switch (tag.name) {
      case 'key': {
        const name = tag.attrs.get('attr.name');
        if (tag.attrs.get('for') === 'node' && name === 'Latitude') latKey = tag.attrs.get('id');
        if (tag.attrs.get('for') === 'node' && name === 'Longitude') lonKey = tag.attrs.get('id');
        break;
      }
      case 'graph':
        sawGraph = true;
        break;
      case 'node': {
        const id = tag.attrs.get('id') ?? fail(tag.line, '<node> without an id');
        if (ids.has(id)) fail(tag.line, `node id '${id}' appears twice`);
        ids.set(id, labels.length);
        labels.push(id);
        lat.push(NaN);
        lon.push(NaN);
        currentNode = tag.selfClosing ? -1 : labels.length - 1;
        break;
      }
      case 'edge': {
        const s = tag.attrs.get('source') ?? fail(tag.line, '<edge> without a source');
        const t = tag.attrs.get('target') ?? fail(tag.line, '<edge> without a target');
        pendingEdges.push({ source: s, target: t, line: tag.line });
        break;
      }
      case 'data': {
        if (currentNode < 0 || tag.selfClosing) break;
        const key = tag.attrs.get('key');
        if (key === undefined || (key !== latKey && key !== lonKey)) break;
        const close = tags[i + 1];
        if (close === undefined || !close.closing || close.name !== 'data') fail(tag.line, `<data key="${key}"> is not closed`);
        const raw = decodeEntities(text.slice(tag.end, text.lastIndexOf('<', close!.end - 1)).trim());
        const value = Number(raw);
        const [name, limit] = key === latKey ? ['Latitude', 90] : ['Longitude', 180];
        if (raw === '' || !Number.isFinite(value) || Math.abs(value) > limit) fail(tag.line, `${name} '${raw}' is not a number in ±${limit}`);
        (key === latKey ? lat : lon)[currentNode] = value;
        break;
      }
    }
  }
  if (!sawGraph) fail(1, 'no <graph> element: not a GraphML document');
  // Edges may name nodes declared after them, so endpoints are resolved once all nodes are known.
  for (const edge of pendingEdges) {
    const a = ids.get(edge.source) ?? fail(edge.line, `edge source '${edge.source}' is not a node`);
    const b = ids.get(edge.target) ?? fail(edge.line, `edge target '${edge.target}' is not a node`);
    from.push(a);
    to.push(b);
  }
  placeJunctions(labels.length, from, to, lat, lon);
  const hasCoordinates = lat.some((v, i) => Number.isFinite(v) && Number.isFinite(lon[i]));
  const latencyS = from.map((a, r) => {
    const b = to[r]!;
    return known(lat, lon, a) && known(lat, lon, b) ? fibreLatencyS(lat[a]!, lon[a]!, lat[b]!, lon[b]!) : NaN;
  });
  const fallback = median(latencyS.filter(Number.isFinite)) ?? defaultLinkLatencyS;
  return buildTopology({
    source,
    labels,
    from,
    to,
    latencyS: latencyS.map((v) => (Number.isFinite(v) ? v : fallback)),
    hasCoordinates,
  });
}

function known(lat: number[], lon: number[], i: number): boolean {
  return Number.isFinite(lat[i]) && Number.isFinite(lon[i]);
}

/**
 * Zoo "hyperedge" nodes are artificial junctions without coordinates; placing each at the mean of
 * its located neighbours keeps its links' latencies close to the fibre they stand for. A node with no
 * located neighbour keeps NaN, and its links get the median latency of the graph.
 */
function placeJunctions(n: number, from: number[], to: number[], lat: number[], lon: number[]): void {
  const sumLat = new Float64Array(n);
  const sumLon = new Float64Array(n);
  const count = new Int32Array(n);
  for (let r = 0; r < from.length; r++) {
    for (const [x, y] of [[from[r]!, to[r]!], [to[r]!, from[r]!]] as const) {
      if (known(lat, lon, x) || !known(lat, lon, y)) continue;
      sumLat[x]! += lat[y]!;
      sumLon[x]! += lon[y]!;
      count[x]!++;
    }
  }
  for (let i = 0; i < n; i++) {
    if (count[i]! > 0) {
      lat[i] = sumLat[i]! / count[i]!;
      lon[i] = sumLon[i]! / count[i]!;
    }
  }
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Start and end tags in document order, skipping comments, declarations and CDATA. */
function scanTags(text: string, fail: (line: number, problem: string) => never): Tag[] {
  const tags: Tag[] = [];
  let pos = 0;
  let line = 1;
  let counted = 0;
  const lineAt = (index: number): number => {
    for (; counted < index; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
  while (true) {
    const open = text.indexOf('<', pos);
    if (open < 0) break;
    const at = lineAt(open);
    const skipTo = (terminator: string): void => {
      const close = text.indexOf(terminator, open);
      if (close < 0) fail(at, `unterminated '${text.slice(open, open + 9)}'`);
      pos = close + terminator.length;
    };
    if (text.startsWith('<!--', open)) skipTo('-->');
    else if (text.startsWith('<![CDATA[', open)) skipTo(']]>');
    else if (text.startsWith('<?', open)) skipTo('?>');
    else if (text.startsWith('<!', open)) skipTo('>');
    else {
      const close = text.indexOf('>', open);
      if (close < 0) fail(at, 'unterminated tag');
      const body = text.slice(open + 1, close);
      const match = /^(\/?)([A-Za-z_][\w:.-]*)([\s\S]*?)(\/?)$/.exec(body);
      if (match === null) fail(at, `malformed tag '<${body.slice(0, 40)}>'`);
      const attrs = new Map<string, string>();
      for (const a of match![3]!.matchAll(attrPattern)) attrs.set(a[1]!, decodeEntities(a[2] ?? a[3] ?? ''));
      tags.push({ closing: match![1] === '/', name: localName(match![2]!), attrs, selfClosing: match![4] === '/', line: at, end: close + 1 });
      pos = close + 1;
    }
  }
  return tags;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}
