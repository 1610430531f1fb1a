// The node side of the chain: contract events act at once on nodes that are on; a node that was off
// catches up at boot by comparing its stored deployments with the chain (zos's startup sync).
// Leaves out the hourly re-sync: events are never lost here while a node is on, so it would find nothing.

import type { Chain, NodeContract } from './chain.js';
import { deploymentHash } from './chain.js';
import type { Deployment } from './deployment.js';
import type { GridNodeApi } from './node-api.js';
import type { ContractCheck } from './provision/engine.js';
import type { ProvisionService } from './provision/service.js';

export const notOnChainReason = 'contract not active on chain';

/** The per-job chain check (DOMAIN 2.4, 5.6). */
export function chainContractCheck(chain: Chain): ContractCheck {
  return (node: number, doc: Deployment): string | null => {
    const contract = chain.get(doc.contract_id);
    if (contract === undefined) return `contract ${doc.contract_id} not found`;
    if (contract.node !== node) return `contract ${doc.contract_id} is for node ${contract.node}, not this node`;
    if (!chain.isActive(contract.id)) return `contract ${doc.contract_id} is not active`;
    if (contract.deploymentHash !== deploymentHash(doc)) return 'deployment hash does not match the contract';
    return null;
  };
}

export function attachChainSync(chain: Chain, grid: GridNodeApi, provision: ProvisionService): void {
  chain.on((kind, contract) => {
    if (!grid.isOn(contract.node) || !provision.contractIds(contract.node).includes(contract.id)) return;
    if (kind === 'cancelled') provision.cancel(contract.node, contract.id, reasonOf(contract));
    else if (kind === 'grace') provision.pause(contract.node, contract.id);
    else provision.resume(contract.node, contract.id);
  });
  // Registered after the provision service's own listener, so the boot re-run is queued first.
  grid.onPower((node, event) => {
    if (event !== 'off') syncNode(chain, provision, node);
  });
}

function reasonOf(contract: NodeContract): string {
  return contract.deletedReason === 'cancelled by user' ? 'contract cancelled' : `contract deleted: ${contract.deletedReason}`;
}

/** What a booting node does: drop what the chain no longer pays for; match pause state to grace. */
export function syncNode(chain: Chain, provision: ProvisionService, node: number): void {
  for (const id of provision.contractIds(node)) {
    const contract = chain.get(id);
    if (contract === undefined || !chain.isActive(id)) provision.cancel(node, id, notOnChainReason);
    else if (contract.state === 'grace' && !provision.isPaused(node, id)) provision.pause(node, id);
    else if (contract.state === 'created' && provision.isPaused(node, id)) provision.resume(node, id);
  }
}
