// Real-host zmounts: preallocated files in an SSD pool that is never overcommitted, grow-only.
// Re-exported by name; pool.ts says what is left out.

export { ZmountCapacityError, ZmountNotFoundError, ZmountRefusedError, type ZmountRefusal } from './errors.js';
export { ZmountPool, type ZmountPoolOptions, type ZmountRecovery, type ZmountView } from './pool.js';
export { preallocate, type Preallocator } from './preallocate.js';
export { checkZmountName, type ZmountRecord } from './state.js';
