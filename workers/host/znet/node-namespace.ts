// The node as the Z-Net sees it: the netns module's NodeNamespace (a network namespace with an address
// on the underlay); tests make their own with ipNetnsNamespace.

import type { NodeNamespace } from '../netns/grid.js';

export type { NodeNamespace };

/** A namespace entered with `ip netns exec`. */
export function ipNetnsNamespace(name: string, address: string): NodeNamespace {
  return { name, address, exec: (argv) => ['ip', 'netns', 'exec', name, ...argv] };
}
