// The HTTP hub for real (node:http on port 0): round trip, hub requests counted through the block
// cache, a stopped hub, a tampered block, refused uploads and paths, and mounting by URL.

import { request } from 'node:http';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { HostBlockCache } from '../../workers/host/flist/block-cache.js';
import { blockKey } from '../../workers/host/flist/block-key.js';
import { BlockCorruptError, HubUnreachableError } from '../../workers/host/flist/errors.js';
import { HttpHub } from '../../workers/host/flist/http-hub.js';
import { HubServer } from '../../workers/host/flist/hub-server.js';
import { materialise } from '../../workers/host/flist/materialise.js';
import { mountFlist } from '../../workers/host/flist/mount.js';
import { packToFile } from '../../workers/host/flist/pack.js';
import { FlistReader } from '../../workers/host/flist/reader.js';
import { BIG_FILE, KiB, makeTree, removeDir, snapshot, tempDir } from './flist-fixture.js';

interface Setup {
  root: string;
  src: string;
  server: HubServer;
  hub: HttpHub;
  meta: Awaited<ReturnType<typeof packToFile>>['meta'];
}

/** A hub on a free port holding the fixture tree, packed over HTTP; stopped and removed after the test. */
async function served(t: { teardown(fn: () => Promise<void>): void }): Promise<Setup> {
  const root = tempDir('flist-http');
  const server = new HubServer({ dir: join(root, 'hub'), port: 0 });
  await server.listen();
  t.teardown(async () => {
    await server.close();
    await removeDir(root);
  });
  const src = join(root, 'src');
  mkdirSync(src);
  makeTree(src);
  const hub = new HttpHub(server.url);
  const { meta } = await packToFile(src, join(root, 'tree.fl'), hub);
  return { root, src, server, hub, meta };
}

/** A raw request whose path is sent exactly as written (no URL normalisation of `..`). */
function raw(port: number, method: string, path: string, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('pack over HTTP, materialise over HTTP: identical tree, each block fetched from the hub once', async (t) => {
  const { root, src, server, hub, meta } = await served(t);
  t.is(server.stats.blockPuts, 7);
  t.is(server.stats.flistPuts, 1);
  const cache = new HostBlockCache(join(root, 'cache'), hub);
  const first = await materialise(meta, join(root, 'a'), { cache });
  t.deepEqual(snapshot(join(root, 'a')), snapshot(src));
  t.is(server.stats.blockGets, 7);
  t.is(first.fetchedBlocks, 7);
  // A second root from the same cache costs the hub nothing.
  const second = await materialise(meta, join(root, 'b'), { cache: new HostBlockCache(join(root, 'cache'), hub) });
  t.deepEqual(snapshot(join(root, 'b')), snapshot(src));
  t.is(server.stats.blockGets, 7);
  t.is(second.fetchedBlocks, 0);
});

test('concurrent readers of the same file share one fetch per block', async (t) => {
  const { root, server, hub, meta } = await served(t);
  const reader = new FlistReader(meta, new HostBlockCache(join(root, 'cache'), hub));
  const reads = await Promise.all([reader.readFile(BIG_FILE), reader.readFile(BIG_FILE), reader.readFile(BIG_FILE)]);
  t.is(reads[0]!.compare(reads[2]!), 0);
  t.is(server.stats.blockGets, 3);
  t.is(reader.cache.stats.sharedWaits, 6);
});

test('with the hub stopped a cached flist still materialises; an uncached one fails naming hub and block', async (t) => {
  const { root, src, server, hub, meta } = await served(t);
  const cacheDir = join(root, 'cache');
  await materialise(meta, join(root, 'warm'), { cache: new HostBlockCache(cacheDir, hub) });
  await server.close();
  await materialise(meta, join(root, 'offline'), { cache: new HostBlockCache(cacheDir, hub) });
  t.deepEqual(snapshot(join(root, 'offline')), snapshot(src));
  const error = await t.throwsAsync(materialise(meta, join(root, 'cold'), { cache: new HostBlockCache(join(root, 'cold-cache'), hub) }), { instanceOf: HubUnreachableError });
  t.regex(error!.message, new RegExp(`hub ${hub.name.slice(4).replaceAll('.', '\\.')} unreachable: cannot fetch block [0-9a-f]{64} of \\S+ \\(ECONNREFUSED\\)`));
  t.deepEqual(readdirSync(join(root, 'cold')), []);
});

test('a block tampered on the hub is detected on download and not cached', async (t) => {
  const { root, server, hub, meta } = await served(t);
  const big = meta.entries.find((e) => e.path === BIG_FILE);
  const key = big?.type === 'file' ? big.blocks[1]! : '';
  writeFileSync(server.hub.blockPath(key), Buffer.alloc(512 * KiB, 1));
  const cache = new HostBlockCache(join(root, 'cache'), hub);
  const error = await t.throwsAsync(new FlistReader(meta, cache).readFile(BIG_FILE), { instanceOf: BlockCorruptError });
  t.is(error!.key, key);
  t.regex(error!.message, /from hub http:\/\/127\.0\.0\.1:\d+\/ does not match its hash/);
  t.false(await cache.has(key));
});

test('uploads that do not match their key, or are too large, are refused by the server', async (t) => {
  const { server } = await served(t);
  const { port } = server.address();
  const data = Buffer.from('hello');
  const wrong = await raw(port, 'PUT', `/blocks/${blockKey(Buffer.from('other'))}`, data);
  t.is(wrong.status, 400);
  t.regex(wrong.text, /does not match its hash/);
  t.is((await raw(port, 'PUT', `/blocks/${blockKey(data)}`, data)).status, 201);
  t.is((await raw(port, 'PUT', `/blocks/${blockKey(data)}`, data)).status, 200);
  t.is((await raw(port, 'HEAD', `/blocks/${blockKey(data)}`)).status, 200);
  const big = Buffer.alloc(512 * KiB + 1);
  t.is((await raw(port, 'PUT', `/blocks/${blockKey(big)}`, big)).status, 413);
  const posted = await raw(port, 'POST', '/blocks', Buffer.from('posted'));
  t.is(posted.status, 201);
  t.deepEqual(JSON.parse(posted.text), { key: blockKey(Buffer.from('posted')) });
  t.is((await raw(port, 'PUT', '/flists/bad.fl', Buffer.from('{}'))).status, 400);
});

test('paths with .., escaped separators or bad keys are refused before reaching the disk', async (t) => {
  const { server } = await served(t);
  const { port } = server.address();
  for (const path of ['/blocks/../flists/tree.fl', '/flists/..%2ftree.fl', '/flists/%2e%2e', '/blocks//etc/passwd', '/blocks/..\\x']) {
    const r = await raw(port, 'GET', path);
    t.is(r.status, 400, path);
  }
  t.is((await raw(port, 'GET', '/blocks/ABC')).status, 400);
  t.is((await raw(port, 'GET', `/blocks/${'0'.repeat(64)}`)).status, 404);
  t.is((await raw(port, 'GET', '/flists/tree.fl')).status, 200);
  t.is((await raw(port, 'DELETE', '/flists/tree.fl')).status, 405);
  t.is((await raw(port, 'GET', '/')).status, 404);
});

test('mountFlist by URL: one shared root per flist, reused; metadata from the cache when the hub is down', async (t) => {
  const { root, src, server } = await served(t);
  const store = { cacheDir: join(root, 'node-cache'), rootsDir: join(root, 'roots') };
  const base = server.url;
  const url = `${base}flists/tree.fl`;
  const first = await mountFlist(url, store);
  t.deepEqual(snapshot(first.rootDir), snapshot(src));
  t.true(first.metadataFromHub);
  t.is(first.fetchedBlocks, 7);
  const again = await mountFlist(url, store);
  t.is(again.rootDir, first.rootDir);
  t.is(again.fetchedBlocks, 0);
  await server.close();
  const offline = await mountFlist(url, store);
  t.false(offline.metadataFromHub);
  t.is(offline.rootDir, first.rootDir);
  await t.throwsAsync(mountFlist(`${base}flists/other.fl`, store), { instanceOf: HubUnreachableError, message: /cannot fetch flist other\.fl/ });
  await t.throwsAsync(mountFlist('ftp://x/flists/a', store), { message: /field url: must look like http:\/\/HUB\/flists\/NAME/ });
});

test('a stopped hub listens again on the same URL; requireHub makes a down hub fail even a cached flist', async (t) => {
  const { root, server } = await served(t);
  const base = server.url;
  const url = `${base}flists/tree.fl`;
  const store = { cacheDir: join(root, 'node-cache'), rootsDir: join(root, 'roots'), requireHub: true };
  await mountFlist(url, store);
  await server.close();
  t.false(server.listening);
  await t.throwsAsync(mountFlist(url, store), { instanceOf: HubUnreachableError, message: /cannot fetch flist tree\.fl \(ECONNREFUSED\)/ });
  await server.listen();
  t.is(server.url, base);
  t.true((await mountFlist(url, store)).metadataFromHub);
});
