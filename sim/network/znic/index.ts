// ZNIC's public API, re-exported by name: a zmachine's interfaces, planetary addressing, and the best path
// between two machines. Leaves out the address derivation's internals (bit packing, base58).

export { bestPath, candidate, pathKinds, type BestPath, type PathCandidate, type PathEnv, type PathKind, type PlanetaryRouter } from './best-path.js';
export { NicAllocator, type NicEnv, type NicRequest, type PrivateNic, type PublicNic, type ZMachineNics } from './nics.js';
export { deviceName, formatIpv6, overlayPublicKey, planetaryIp, yggNodeAddress, yggNodeSubnet } from './planetary-address.js';
export { blake3Small, myceliumAddress, myceliumSubnet, myceliumVmIp, nodeMyceliumKey, overlayNics, x25519PublicKey } from './mycelium-address.js';
