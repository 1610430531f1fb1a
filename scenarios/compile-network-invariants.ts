// The network invariants a scenario asks for, checked and labelled. Leaves out watching them during a
// run (network-invariants.ts) and the rule that probe invariants need probes (compile-network.ts).

import type { CompiledInvariant } from './compiled.js';
import type { Fields } from './fields.js';

type Kind = 'planetary-delivery' | 'planetary-delivery-dips' | 'network-partitions' | 'root-path-share';

export function networkInvariant(f: Fields, kind: Kind): CompiledInvariant {
  switch (kind) {
    case 'planetary-delivery': {
      const min = f.number('min', { min: 0, max: 1 });
      return { kind, min, label: `planetary delivery >= ${min} after faults stop` };
    }
    case 'planetary-delivery-dips': {
      const below = f.number('below', { min: 0, max: 1 });
      return { kind, below, label: `planetary delivery dips below ${below} under the faults` };
    }
    case 'network-partitions': {
      const atS = f.duration('atS');
      const min = f.number('min', { integer: true, min: 0, default: 1 });
      const max = f.optionalNumber('max', { integer: true, min });
      return { kind, atS, min, ...(max === undefined ? {} : { max }), label: `network in ${min}${max === undefined ? '+' : `..${max}`} extra pieces at ${atS} s` };
    }
    case 'root-path-share': {
      const min = f.number('min', { min: 0, max: 1, default: 0 });
      const max = f.number('max', { min, max: 1, default: 1 });
      const at = f.has('atS') ? { atS: f.duration('atS') } : {};
      return { kind, min, max, ...at, label: `share of overlay paths through the root within ${min}..${max}${at.atS === undefined ? '' : ` at ${at.atS} s`}` };
    }
  }
}
