// The Web Gateway's public API, re-exported by name: validation, gateway nodes, the DNS front, health
// checks, backend paths and the request service. Leaves out the parsers' internals.

export { parseBackend, type BackendAddress, type BackendRoute } from './backend-address.js';
export { gatewayFailoverModes, pickBackend, type GatewayFailover } from './balancer.js';
export { GatewayFront, type FrontHealthOptions } from './front.js';
export { GatewayNode, type DeployedProxy, type GatewayDeployContext, type GatewayDeployResult, type GatewayNodeConfig } from './gateway-node.js';
export {
  compileHealthCheck,
  defaultHealthCheck,
  detectionBoundS,
  earliestDetectionS,
  HealthChecker,
  type HealthCheckPolicy,
  type HealthListener,
  type HealthTransition,
  type Probe,
} from './health.js';
export { NAME_VALIDATION_EVERY_S, NameValidation, startNameValidation, type NameDecommissionListener } from './name-validation.js';
export { UnderlayPathProvider, type BackendPath, type BackendPathProvider, type UnderlayPathOptions } from './path.js';
export { GatewayService, type GatewayLifecycleListener, type GatewayServiceOptions, type RequestOutcome, type RequestRecord } from './service.js';
export {
  compileGatewayProxy,
  GATEWAY_FQDN_PATTERN,
  GATEWAY_NAME_PATTERN,
  gatewayIssues,
  NAME_CONTRACT_MAX_CHARS,
  NAME_CONTRACT_MIN_CHARS,
  type GatewayIssue,
  type GatewayProxySpec,
  type GatewayProxyType,
  type GatewayValidateOptions,
} from './validate.js';
