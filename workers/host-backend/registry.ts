// Where HostBackend finds what its workloads made: zdb namespaces, qsfs instances (a HostZstor and the
// sizes of the files stored through it) and gateway proxies, each by workload id.

import type { HostZstor } from '../host/zstor/index.js';

export interface NamespaceRecord {
  readonly node: number;
  readonly namespace: string;
  readonly password: string;
  readonly mode: 'user' | 'seq';
}

export interface QsfsRecord {
  readonly node: number;
  readonly zstor: HostZstor;
  readonly fileSizes: Map<string, number>;
}

export interface GatewayRecord {
  readonly node: number;
  readonly fqdn: string;
  readonly backend: string;
}

export class HostRegistry {
  readonly namespaces = new Map<string, NamespaceRecord>();
  readonly qsfs = new Map<string, QsfsRecord>();
  readonly gateways = new Map<string, GatewayRecord>();

  close(): void {
    for (const q of this.qsfs.values()) q.zstor.close();
    this.qsfs.clear();
  }
}
