// The JSON shape of a zos v3 deployment document and of each workload type's `data`, as a node receives it.
// Leaves out behaviour: static checks live in deployment-validate.ts, hashing and signatures are not modelled yet.

/** Every workload `type` string a zos v3 node knows (DOMAIN.md §1), plus our `zdisk`. */
export const workloadTypes = [
  'zmachine',
  'zmount',
  'volume',
  'network',
  'zdb',
  'qsfs',
  'ip',
  'ipv4',
  'gateway-name-proxy',
  'gateway-fqdn-proxy',
  'zlogs',
  // Ours, not zos: the real grid has no erasure-coded virtual disk (see ZdiskData).
  'zdisk',
] as const;
export type WorkloadType = (typeof workloadTypes)[number];

/** What the node sets on each workload after acting on it; clients never send it. */
export interface WorkloadResult {
  /** Unix seconds. */
  readonly created: number;
  readonly state: 'init' | 'ok' | 'error' | 'deleted' | 'paused' | 'unchanged';
  readonly message: string;
  readonly data: unknown;
}

export interface Workload<T extends WorkloadType = WorkloadType> {
  /** uint32; a workload's version may not exceed its deployment's. */
  readonly version: number;
  /** `^[a-zA-Z0-9_]+$`, 1..36 chars, unique in the deployment. */
  readonly name: string;
  readonly type: T;
  readonly data: WorkloadDataByType[T];
  readonly metadata: string;
  readonly description: string;
  readonly result?: WorkloadResult;
}

export interface SignatureRequest {
  readonly twin_id: number;
  readonly required: boolean;
  readonly weight: number;
}

export interface Signature {
  readonly twin_id: number;
  /** Hex. */
  readonly signature: string;
  readonly signature_type: 'ed25519' | 'sr25519';
}

export interface SignatureRequirement {
  readonly requests: readonly SignatureRequest[];
  readonly weight_required: number;
  readonly signatures: readonly Signature[];
  readonly signature_style?: '' | 'polka-wallet';
}

export interface Deployment {
  /** uint32; 0 at creation, +1 per update. */
  readonly version: number;
  readonly twin_id: number;
  /** Set by the client after the node contract exists; excluded from the hash. */
  readonly contract_id: number;
  readonly metadata: string;
  readonly description: string;
  /** Deprecated and unused by nodes, but still part of the hash. */
  readonly expiration?: number;
  readonly signature_requirement?: SignatureRequirement;
  readonly workloads: readonly Workload[];
}

export interface ComputeCapacity {
  /** vCPUs (uint8). */
  readonly cpu: number;
  /** Bytes. */
  readonly memory: number;
}

export interface MachineMount {
  /** Name of a zmount, volume, qsfs or (ours) zdisk workload in the same deployment. */
  readonly name: string;
  readonly mountpoint: string;
}

export interface MachineInterface {
  /** Name of a network workload (of this or another deployment of the same twin). */
  readonly network: string;
  /** Private IPv4 inside the node's subnet of that network. */
  readonly ip: string;
}

export interface MachineMycelium {
  readonly network: string;
  /** 6 bytes as hex. */
  readonly hex_seed: string;
}

export interface MachineNetwork {
  /** Name of an `ip`/`ipv4` workload, or "" for none. */
  readonly public_ip: string;
  readonly planetary: boolean;
  readonly mycelium?: MachineMycelium;
  readonly interfaces: readonly MachineInterface[];
}

export interface ZMachineData {
  readonly flist: string;
  /** Root filesystem bytes; 0 means the minimum. */
  readonly size: number;
  readonly compute_capacity: ComputeCapacity;
  readonly mounts?: readonly MachineMount[];
  readonly network: MachineNetwork;
  readonly entrypoint?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly corex?: boolean;
  /** `<slot>/<vendor>/<device>`. */
  readonly gpu?: readonly string[];
}

/** zmount and volume both carry only a size in bytes. */
export interface DiskData {
  readonly size: number;
}

export interface Peer {
  readonly subnet: string;
  readonly wireguard_public_key: string;
  readonly allowed_ips: readonly string[];
  readonly endpoint: string;
}

export interface NetworkMycelium {
  /** 32 bytes as hex. */
  readonly hex_key: string;
  readonly peers?: readonly string[];
}

export interface NetworkData {
  /** IPv4 CIDR, documented as a /16. */
  readonly ip_range: string;
  /** This node's /24 inside `ip_range`. */
  readonly subnet: string;
  readonly wireguard_private_key: string;
  readonly wireguard_listen_port: number;
  readonly peers: readonly Peer[];
  readonly mycelium?: NetworkMycelium;
}

export interface ZdbData {
  /** Bytes. */
  readonly size: number;
  readonly mode: 'user' | 'seq';
  readonly password: string;
  readonly public: boolean;
}

export interface ZdbBackend {
  readonly address: string;
  readonly namespace: string;
  readonly password: string;
}

export interface QsfsConfig {
  readonly minimal_shards: number;
  readonly expected_shards: number;
  readonly redundant_groups: number;
  readonly redundant_nodes: number;
  /** MiB, as zstor names it. */
  readonly max_zdb_data_dir_size: number;
  readonly encryption: { readonly algorithm: 'AES'; readonly key: string };
  readonly meta: {
    readonly type: 'zdb';
    readonly config: { readonly prefix: string; readonly encryption: { readonly algorithm: 'AES'; readonly key: string }; readonly backends: readonly ZdbBackend[] };
  };
  readonly groups: readonly { readonly backends: readonly ZdbBackend[] }[];
  readonly compression: { readonly algorithm: 'snappy' };
}

export interface QsfsData {
  /** Local cache bytes. */
  readonly cache: number;
  readonly config: QsfsConfig;
}

export interface IpData {
  readonly v4: boolean;
  readonly v6: boolean;
}

/** The deprecated `ipv4` type has no fields. */
export type Ipv4Data = Readonly<Record<string, never>>;

export interface GatewayCommon {
  readonly tls_passthrough: boolean;
  /** Exactly one is supported: `http://ip[:port]`, or `ip:port` with passthrough. */
  readonly backends: readonly string[];
  /** Optional znet name through which the backend is reached. */
  readonly network?: string;
}

export interface GatewayNameData extends GatewayCommon {
  readonly name: string;
}

export interface GatewayFqdnData extends GatewayCommon {
  readonly fqdn: string;
}

export interface ZlogsData {
  /** Name of a zmachine workload in the same deployment. */
  readonly zmachine: string;
  /** redis://, ws:// or wss:// URL. */
  readonly output: string;
}

/**
 * Our addition, not zos: a virtual disk a zmachine mounts like a zmount, whose stripes are k+m
 * erasure-coded over 0-db namespaces of other deployments (named like a qsfs group's backends).
 * The first k+m backends on distinct nodes hold the columns; any others are spares for rebuilds.
 */
export interface ZdiskData {
  /** Bytes. */
  readonly size: number;
  /** k: shards a stripe is split into; any k of the k+m shards rebuild it. */
  readonly data_shards: number;
  /** m: backends that may be lost while the disk still serves reads and writes. */
  readonly parity_shards: number;
  /** At least k+m namespaces, none on the zmachine's node. */
  readonly backends: readonly ZdbBackend[];
}

export interface WorkloadDataByType {
  readonly zmachine: ZMachineData;
  readonly zmount: DiskData;
  readonly volume: DiskData;
  readonly network: NetworkData;
  readonly zdb: ZdbData;
  readonly qsfs: QsfsData;
  readonly ip: IpData;
  readonly ipv4: Ipv4Data;
  readonly 'gateway-name-proxy': GatewayNameData;
  readonly 'gateway-fqdn-proxy': GatewayFqdnData;
  readonly zlogs: ZlogsData;
  readonly zdisk: ZdiskData;
}
