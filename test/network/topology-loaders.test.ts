// The topology loaders: SNAP edge lists and Topology Zoo GraphML into one CSR graph; self-loops and
// duplicate edges dropped, latency from coordinates, bad files rejected naming file and line.
import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InputError } from '../../sim/errors.js';
import { fibreKmPerS, greatCircleKm } from '../../sim/network/topology/geo.js';
import { buildTopology, components, cutPoints, defaultLinkLatencyS, findEdge, type Topology } from '../../sim/network/topology/graph.js';
import { parseGraphml } from '../../sim/network/topology/graphml.js';
import { loadTopology, parseTopology } from '../../sim/network/topology/load.js';
import { parseSnapEdgeList } from '../../sim/network/topology/snap.js';
import { topologyFile } from '../helpers/network-graphs.js';
import { fcParams } from '../helpers/fc-params.js';


function peers(t: Topology, x: number): number[] {
  return [...t.neighbours.subarray(t.offsets[x]!, t.offsets[x + 1]!)];
}

test('SNAP: comments, self-loops, duplicates and reversed duplicates are dropped; ids keep numeric order', (t) => {
  const topo = parseSnapEdgeList('# Undirected graph\n# FromNodeId\tToNodeId\n0\t1\n1\t0\n2\t2\n0\t1\n\n10\t2\r\n1 2\n', 'mem.txt');
  t.is(topo.nodeCount, 4);
  t.is(topo.edgeCount, 3);
  t.deepEqual(topo.labels, ['0', '1', '2', '10']);
  t.deepEqual(peers(topo, 1), [0, 2]);
  t.deepEqual(peers(topo, 3), [2]);
  t.is(topo.latencyS[0], defaultLinkLatencyS);
  t.false(topo.hasCoordinates);
});

test('SNAP: a bad line is bad input naming the file and line', (t) => {
  const error = t.throws(() => parseSnapEdgeList('# header\n0\t1\n0\tx\n', 'bad.txt'), { instanceOf: InputError });
  t.regex(error.message, /^bad\.txt:3: /);
  t.regex(t.throws(() => parseSnapEdgeList('0 1 7\n', 'w.txt'))!.message, /w\.txt:1/);
  t.regex(t.throws(() => parseSnapEdgeList('# only comments\n', 'empty.txt'))!.message, /empty\.txt: no edges/);
});

test('the AS graph loads with the counts SOURCES.md gives: 6474 nodes, 12572 unique links, connected', (t) => {
  const topo = loadTopology(topologyFile('as/as20000102.txt'));
  t.is(topo.nodeCount, 6474);
  t.is(topo.edgeCount, 12_572);
  t.is(new Set(components(topo)).size, 1);
  t.is(Math.max(...Array.from({ length: topo.nodeCount }, (_, i) => topo.offsets[i + 1]! - topo.offsets[i]!)), 1458);
});

const tinyGraphml = (edges: string, lat0 = '0'): string => `<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="Longitude" attr.type="double" for="node" id="d34" />
  <key attr.name="Latitude" attr.type="double" for="node" id="d31" />
  <graph edgedefault="undirected">
    <!-- <node id="ghost"/> in a comment is not a node -->
    <node id="a"><data key="d31">${lat0}</data><data key="d34">0</data></node>
    <node id="b"><data key="d31">0</data><data key="d34">1</data></node>
    <node id="j"/>
    <node id="c"><data key="d31">0</data><data key="d34">3</data></node>
${edges}
  </graph>
</graphml>`;

test('GraphML: latency from great-circle distance at 2/3 c; parallel edges and loops dropped; junctions placed between neighbours', (t) => {
  const edges = ['a', 'b', 'b', 'a', 'a', 'a', 'b', 'j', 'j', 'c'].reduce<string[]>((acc, v, i, all) => (i % 2 === 0 ? [...acc, `    <edge source="${v}" target="${all[i + 1]}" />`] : acc), []);
  const topo = parseGraphml(tinyGraphml(edges.join('\n')), 'tiny.graphml');
  t.is(topo.nodeCount, 4);
  t.is(topo.edgeCount, 3);
  t.true(topo.hasCoordinates);
  const ab = findEdge(topo, 0, 1);
  const oneDegreeKm = greatCircleKm(0, 0, 0, 1);
  t.true(Math.abs(oneDegreeKm - 111.19) < 0.01, `${oneDegreeKm}`);
  t.true(Math.abs(topo.edgeLatencyS[ab]! - oneDegreeKm / fibreKmPerS) < 1e-12);
  t.true(Math.abs(topo.edgeLatencyS[ab]! - 556.4e-6) < 1e-6);
  // The junction j sits at the mean of b (lon 1) and c (lon 3): one degree from each.
  t.true(Math.abs(topo.edgeLatencyS[findEdge(topo, 1, 2)]! - topo.edgeLatencyS[ab]!) < 1e-9);
});

test('GraphML: an edge to an unknown node, a bad Latitude or a non-GraphML file is bad input naming file and line', (t) => {
  const unknown = t.throws(() => parseGraphml(tinyGraphml('    <edge source="a" target="zz" />'), 'z.graphml'), { instanceOf: InputError });
  t.regex(unknown.message, /^z\.graphml:11: edge target 'zz' is not a node/);
  const badLat = t.throws(() => parseGraphml(tinyGraphml('', 'north'), 'l.graphml'), { instanceOf: InputError });
  t.regex(badLat.message, /^l\.graphml:7: Latitude 'north'/);
  t.regex(t.throws(() => parseGraphml('<html><body/></html>', 'x.graphml'))!.message, /x\.graphml:1: no <graph> element/);
  t.regex(t.throws(() => parseGraphml('<graphml><graph>\n<node id="a"', 'cut.graphml'))!.message, /cut\.graphml:2: unterminated tag/);
});

test('the Zoo files load with SOURCES.md counts; Internet2 has no coordinates and falls back to equal latencies', (t) => {
  const counts: Record<string, [number, number]> = { Kdl: [754, 895], Cogentco: [197, 243], Colt: [153, 177], Interoute: [110, 146], Internet2: [20, 26] };
  for (const [name, [nodes, edges]] of Object.entries(counts)) {
    const topo = loadTopology(topologyFile(`zoo/${name}.graphml`));
    t.deepEqual([topo.nodeCount, topo.edgeCount], [nodes, edges], name);
    t.is(new Set(components(topo)).size, 1, name);
  }
  const kdl = loadTopology(topologyFile('zoo/Kdl.graphml'));
  t.true(kdl.hasCoordinates);
  t.true(Math.max(...kdl.edgeLatencyS) < 0.005, 'Kentucky links are below 5 ms');
  t.false(loadTopology(topologyFile('zoo/Internet2.graphml')).hasCoordinates);
});

test('loadTopology: a missing file is bad input naming it; content decides the format', (t) => {
  t.regex(t.throws(() => loadTopology('/nonexistent/topo.txt'), { instanceOf: InputError }).message, /\/nonexistent\/topo\.txt: cannot read/);
  const dir = mkdtempSync(join(tmpdir(), 'zos-topo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'g.xml'), tinyGraphml('<edge source="a" target="b"/>'));
  t.is(loadTopology(join(dir, 'g.xml')).edgeCount, 1);
  t.is(parseTopology('0 1\n', 'edges').edgeCount, 1);
});

test('property: the CSR is symmetric, sorted and free of loops and duplicates, whatever the records', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 80 }))), ([n, records]) => {
      const topo = buildTopology({ source: 'p', labels: Array.from({ length: n }, (_, i) => `${i}`), from: records.map((r) => r[0]), to: records.map((r) => r[1]) });
      const expected = new Set(records.filter(([a, b]) => a !== b).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
      t.is(topo.edgeCount, expected.size);
      for (let x = 0; x < n; x++) {
        const list = peers(topo, x);
        t.deepEqual(list, [...new Set(list)].sort((a, b) => a - b));
        t.false(list.includes(x));
        for (const y of list) t.true(peers(topo, y).includes(x));
      }
    }),
    fcParams('topology-loaders #1', 100),
  );
});

test('property: cut vertices and bridges are exactly the nodes and links whose loss adds a component', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 18 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }))), ([n, records]) => {
      const topo = buildTopology({ source: 'p', labels: Array.from({ length: n }, (_, i) => `${i}`), from: records.map((r) => r[0]), to: records.map((r) => r[1]) });
      const count = (label: Int32Array): number => new Set([...label].filter((c) => c >= 0)).size;
      const base = count(components(topo));
      const { cutVertex, bridge } = cutPoints(topo);
      for (let x = 0; x < n; x++) {
        const alive = new Uint8Array(n).fill(1);
        alive[x] = 0;
        t.is(cutVertex[x] === 1, count(components(topo, alive)) > base - (topo.offsets[x + 1] === topo.offsets[x] ? 1 : 0), `node ${x}`);
      }
      for (let e = 0; e < topo.edgeCount; e++) {
        const up = new Uint8Array(topo.edgeCount).fill(1);
        up[e] = 0;
        t.is(bridge[e] === 1, count(components(topo, undefined, up)) > base, `link ${e}`);
      }
    }),
    fcParams('topology-loaders #2', 100),
  );
});
