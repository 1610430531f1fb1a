// The port's zdb and zstor calls on host nodes: zdb commands over RESP as the namespace's owner, and
// zstor through the qsfs workload's HostZstor. Errors match SimBackend's: unknown names are
// E_NOT_FOUND, an off node is E_NODE_DOWN, 0-db refusals keep their ZdbError codes.

import { createHash } from 'node:crypto';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { maxPayloadBytes } from '../../sim/storage/zdb/namespace.js';
import type { ZdbValue } from '../backend.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import type { HostNode } from './nodes.js';
import type { HostRegistry } from './registry.js';
import type { NamespaceAddress, ZdbClients } from './zdb-client.js';
import type { ZdbTagRegistry } from './zdb-values.js';

export class HostStorageOps {
  constructor(
    private readonly nodes: readonly HostNode[],
    private readonly registry: HostRegistry,
    private readonly clients: ZdbClients,
    private readonly tags: ZdbTagRegistry,
  ) {}

  async zdbSet(namespace: string, key: string, value: ZdbValue): Promise<string | null> {
    const at = this.session(namespace);
    // 0-db answers an over-size payload while parsing and then stops reading the connection
    // (zdbd/redis.c, REDIS_MAX_PAYLOAD), which leaves the client waiting: refuse it here, with
    // the same error, before a byte is sent.
    if (value.sizeBytes > maxPayloadBytes) throw new ZdbError(ZdbErrorCode.payloadTooLarge);
    const reply = await this.clients.call(at, 'SET', key, this.tags.encode(value));
    return reply === null ? null : (reply as Buffer).toString('latin1');
  }

  async zdbGet(namespace: string, key: string): Promise<ZdbValue | null> {
    const reply = await this.clients.call(this.session(namespace), 'GET', key);
    return reply === null ? null : this.tags.decode(reply as Buffer);
  }

  async zdbDel(namespace: string, key: string): Promise<void> {
    await this.clients.call(this.session(namespace), 'DEL', key);
  }

  /** Newest first, walking HISTORY's cursor; deletion markers are skipped, on both backends. */
  async zdbHistory(namespace: string, key: string): Promise<readonly { value: ZdbValue | null; timestampS: number }[]> {
    const at = this.session(namespace);
    const out: { value: ZdbValue | null; timestampS: number }[] = [];
    let cursor: Buffer | null = null;
    do {
      // 0-db's cursor is opaque binary: sent back as the Buffer received.
      const args: (string | Buffer)[] = cursor === null ? [key] : [key, cursor];
      const [previous, timestamp, payload] = (await this.clients.call(at, 'HISTORY', ...args)) as [Buffer | null, Buffer, Buffer];
      out.push({ value: this.tags.decode(payload), timestampS: Number(timestamp.toString('latin1')) });
      cursor = previous;
    } while (cursor !== null);
    return out;
  }

  async zstorStore(qsfs: string, path: string, sizeBytes: number): Promise<void> {
    const instance = this.liveQsfs(qsfs);
    await zstorCall(() => instance.zstor.store(path, fileBytes(path, sizeBytes)));
    instance.fileSizes.set(path, sizeBytes);
  }

  async zstorRetrieve(qsfs: string, path: string): Promise<number> {
    const instance = this.knownFile(qsfs, path);
    return (await zstorCall(() => instance.zstor.retrieve(path))).length;
  }

  /** zstor's healthy/degraded both mean "uploaded" to the port; no local cache here, so never "cached". */
  async zstorCheck(qsfs: string, path: string): Promise<'cached' | 'uploaded' | 'lost'> {
    const instance = this.knownFile(qsfs, path);
    const report = await zstorCall(() => instance.zstor.check(path));
    return report.state === 'lost' ? 'lost' : 'uploaded';
  }

  private session(namespace: string): NamespaceAddress {
    const ns = this.registry.namespaces.get(namespace);
    if (ns === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zdb namespace ${namespace} not found`);
    const node = this.nodes[ns.node]!;
    if (!node.up) throw new WorkerError(WorkerErrorCode.nodeDown, `node ${ns.node} is off`, true);
    return { node: ns.node, port: node.zdbPort, namespace, password: ns.password };
  }

  private liveQsfs(qsfs: string) {
    const instance = this.registry.qsfs.get(qsfs);
    if (instance === undefined) throw new WorkerError(WorkerErrorCode.notFound, `qsfs ${qsfs} not found`);
    if (!this.nodes[instance.node]!.up) throw new WorkerError(WorkerErrorCode.nodeDown, `qsfs ${qsfs}: frontend on node ${instance.node} is down`, true);
    return instance;
  }

  private knownFile(qsfs: string, path: string) {
    const instance = this.liveQsfs(qsfs);
    if (!instance.fileSizes.has(path)) throw new WorkerError(WorkerErrorCode.notFound, `qsfs ${qsfs}: no file ${path}`);
    return instance;
  }
}

/** Deterministic content per path, so equal runs store equal bytes. */
function fileBytes(path: string, sizeBytes: number): Buffer {
  const seed = createHash('sha256').update(`zos-testbed qsfs file\0${path}`).digest();
  const out = Buffer.alloc(sizeBytes);
  for (let at = 0; at < out.length; at += seed.length) seed.copy(out, at);
  return out;
}

/** zstor's own errors are ZosErrors already; anything else from its sockets is a backend outage. */
async function zstorCall<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ZstorError || error instanceof WorkerError) throw error;
    throw new ZstorError('unreadable', error instanceof Error ? error.message : String(error));
  }
}
