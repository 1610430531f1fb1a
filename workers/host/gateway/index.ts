// The host Web Gateway's public API, re-exported by name: the proxy server, its options and the
// backend-health view. Validation rules and the health policy come from sim/network/gateway.

export { HostGateway, type BackendHealthView, type HostGatewayOptions } from './host-gateway.js';
export { compileHostProxy, type ProxySpecOptions } from './proxy-spec.js';
// A type only: prom-client is loaded by whoever makes the metrics (import './metrics.js').
export type { GatewayMetrics, ServerState } from './metrics.js';
