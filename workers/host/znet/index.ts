// The Z-Net on a real host: network workloads configured with wireguard-go in namespaces, as zos's
// network resources are, and machines' private NICs in them. Re-exported by name.

export { compileNetworkDocument, persistentKeepaliveS, wgConfigText, type NrPlan, type WgPeerPlan } from './document.js';
export { HostGridNetworks, type GridNetworksDeps, type GridReapply, type MachineNic } from './grid-networks.js';
export { hostEndpoint, withHostEndpoints, type EndpointEnv } from './endpoints.js';
export { dialerSocketDir, NamespaceDialer } from './dialer.js';
export { HostZNet } from './host-znet.js';
export { isWgKey, peerPublicKeyOf, privateKeyOf, publicKeyOf } from './keys.js';
export { checkMachineIp } from './machine-nic.js';
export { checkPrefix, machineNames, maxIfaceNameLength, nrNames, tapName, type MachineNames, type NrNames } from './names.js';
export { deleteNamespace, killNamespacePids, listNamespaces, pidsRunning } from './namespaces.js';
export { HostNetworkResource } from './network-resource.js';
export { ipNetnsNamespace, type NodeNamespace } from './node-namespace.js';
export { CommandError, run } from './run.js';
export { ownerPrefix, sweepDeadOwners, sweepOrphanRuns } from './sweep.js';
export { wgSocketDir, wgSocketPath } from './wireguard-go.js';
