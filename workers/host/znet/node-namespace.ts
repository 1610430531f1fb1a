// The node as the Z-Net sees it: a network namespace with an address on the underlay. The netns module
// (workers/host/netns/) exports the same shape for host-backend nodes; tests make their own.

export interface NodeNamespace {
  readonly name: string;
  /** The node's underlay address (what peers dial as the endpoint). */
  readonly address: string;
  /** The argv prefix that runs argv inside the namespace. */
  exec(argv: readonly string[]): string[];
}

/** A namespace entered with `ip netns exec`. */
export function ipNetnsNamespace(name: string, address: string): NodeNamespace {
  return { name, address, exec: (argv) => ['ip', 'netns', 'exec', name, ...argv] };
}
