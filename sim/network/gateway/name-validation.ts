// zos re-validates gateway name contracts every hour (DOMAIN 1.10, 7) and decommissions name proxies whose
// contract vanished or changed owner: nameContractsValidator in threefoldtech/zosbase pkg/gateway/gateway.go,
// a ticker of validationPeriod = 1 h started with the gateway module, whose first round comes an hour
// after the start. Leaves out the chain query's own latency and failures (zos keeps a proxy when the
// query fails), and the ticker's restart at each node boot (one clock here for every gateway).

import { InputError } from '../../errors.js';
import { Interrupt, type Process, type ProcessGenerator } from '../../engine/process.js';
import type { GatewayService } from './service.js';

/** zos checks name contracts hourly. */
export const NAME_VALIDATION_EVERY_S = 3600;

export type NameDecommissionListener = (workloadIds: readonly string[], atS: number) => void;

/** Starts the periodic check; interrupt the returned process (or stop the run) to end it. */
export function startNameValidation(
  service: GatewayService,
  nameContractOwner: (name: string) => number | undefined,
  onDecommission?: NameDecommissionListener,
  everyS = NAME_VALIDATION_EVERY_S,
): Process<void> {
  if (!(everyS > 0 && everyS < Infinity)) throw new InputError('name validation', 'everyS', `must be finite and > 0, got ${everyS}`);
  function* loop(): ProcessGenerator<void> {
    try {
      for (;;) {
        yield everyS;
        const removed = service.revalidateNameContracts(nameContractOwner);
        if (removed.length > 0) onDecommission?.(removed, service.sim.nowS);
      }
    } catch (error) {
      if (!(error instanceof Interrupt)) throw error;
    }
  }
  return service.sim.process(loop(), 'gateway name validation');
}
