// A handler whose job is let go of (parked by the owner) waits forever on its pending call, and must
// then be garbage: a worker parks jobs all its life, so a parked handler that stayed reachable would
// keep what it holds until the process ends.
import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CallChannel } from '../../scheduler/transports/bullmq/call-channel.js';
import { parkedReply } from '../../scheduler/transports/bullmq/protocol.js';
import { RemoteBackend } from '../../scheduler/transports/bullmq/remote-backend.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** An owner that parks every call. */
const parkingOwner: CallChannel = {
  call: async () => JSON.parse(parkedReply),
  done: async () => {},
  close: async () => {},
};

/** A handler holding a large buffer across its backend call; answers a weak reference to the buffer. */
function startHandler(): { held: WeakRef<Uint8Array>; letGo: Promise<unknown> } {
  const backend = new RemoteBackend(parkingOwner, { run: 'r', seq: 0, attempt: 0, token: 't', nowS: 0 });
  const buffer = new Uint8Array(1 << 20);
  const held = new WeakRef(buffer);
  void (async () => {
    await backend.zdbGet('ns', 'key');
    buffer[0] = 1; // never runs: the call never settles once the job is let go of
  })();
  return { held, letGo: backend.letGo };
}

test('a parked handler is collected with what it holds', async (t) => {
  const handlers = Array.from({ length: 4 }, startHandler);
  t.deepEqual(await Promise.all(handlers.map((h) => h.letGo)), ['parked', 'parked', 'parked', 'parked']);
  for (let i = 0; i < 5 && handlers.some((h) => h.held.deref() !== undefined); i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  t.deepEqual(handlers.map((h) => h.held.deref() === undefined), [true, true, true, true]);
});
