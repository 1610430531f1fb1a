// How a gateway picks the backend of one request. zos's way: round robin over every backend with no
// health check, so a dead backend keeps its share. Ours, as an option: health-checked failover.
// Leaves out traefik's weights (zos writes none, so all are 1) and sticky cookies (zos sets none).

import type { DeployedProxy } from './gateway-node.js';

/**
 * `none` is zos: `setupRoutingGeneric` in threefoldtech/zosbase pkg/gateway/gateway.go writes a traefik
 * `loadBalancer` whose `servers` list every backend, with no `healthCheck` and no weights.
 * `health-check` is our addition: probe each backend and send every request to the first healthy one.
 */
export const gatewayFailoverModes = ['none', 'health-check'] as const;
export type GatewayFailover = (typeof gatewayFailoverModes)[number];

/** The backend index for the next request, or -1 when our failover has marked every backend unhealthy. */
export function pickBackend(proxy: DeployedProxy): number {
  const count = proxy.spec.backends.length;
  if (proxy.backendHealth.length === 0) return nextRoundRobin(proxy, count);
  return proxy.backendHealth.findIndex((checker) => checker.healthy);
}

/**
 * zos runs traefik 2.9.9 (threefoldtech/zosbase pkg/gateway/flist.go). Its HTTP services
 * (traefik/traefik v2.9 pkg/server/service/service.go, getLoadBalancer) give every server weight 1 in
 * vulcand/oxy's round robin, and TLS-passthrough ones use pkg/tcp/wrr_load_balancer.go: either way each
 * backend takes one request per round of `count`, whatever its state, since without a `healthCheck`
 * nothing ever takes a server out. traefik shuffles the servers once when it builds the balancer; this
 * model keeps the workload's order instead (no randomness), which leaves every backend's share, the
 * thing a request sees, unchanged. The position is per proxy, as traefik keeps one balancer per service.
 */
function nextRoundRobin(proxy: DeployedProxy, count: number): number {
  const index = proxy.roundRobinNext % count;
  proxy.roundRobinNext = (index + 1) % count;
  return index;
}
