// A gateway backend string parsed as zos parses it (pkg/gridtypes/zos/gw.go, Backend.Valid): `http://ip[:port]`
// without TLS passthrough, `ip:port` with it. Leaves out host names (zos accepts IP literals only) and URL paths.

import { isIP } from 'node:net';

/** How the gateway reaches a backend: the open internet, the planetary overlays, or the user's Z-Net. */
export type BackendRoute = 'public' | 'planetary' | 'mycelium' | 'znet';

/** A backend after validation: what a path model needs to find it. */
export interface BackendAddress {
  /** The string as the workload wrote it; logs and request records show this. */
  readonly raw: string;
  /** The IP literal without brackets. */
  readonly ip: string;
  readonly family: 4 | 6;
  /** 80 when an http backend gives none (zos Backend.AsAddress). */
  readonly port: number;
  readonly route: BackendRoute;
  /** The Z-Net the backend lives in, when the workload names one. */
  readonly network: string | undefined;
}

const maxPort = 65535;
const defaultHttpPort = 80;

/**
 * The backend, or the problem with it as a sentence fragment. zos reports loopback only for http
 * backends: its passthrough parser (asIpPort) never looks at the address class, so `127.0.0.1:443`
 * passes there and we keep that. One deliberate tightening: an http port above 65535 passes Go's
 * url.Parse but can never be dialled, so it is rejected here.
 */
export function parseBackend(raw: string, passthrough: boolean, network?: string): BackendAddress | string {
  const parsed = passthrough ? splitHostPort(raw) : splitHttpUrl(raw);
  if (typeof parsed === 'string') return parsed;
  const { host, portText } = parsed;
  const family = ipFamily(host);
  if (family === 0) return `must use an IP address, not '${host}'`;
  if (!passthrough && isLoopback(host)) return `must not point at a loopback address (${host})`;
  if (portText !== undefined && !/^\d+$/.test(portText)) return `has an invalid port '${portText}'`;
  const port = portText === undefined ? defaultHttpPort : Number(portText);
  if (port > maxPort) return `port ${portText} must be <= ${maxPort}`;
  return { raw, ip: host, family, port, route: routeOf(host, family, network), network };
}

/** Go's net.SplitHostPort: `host:port` or `[v6]:port`, and a bare IPv6 with its port is ambiguous. */
function splitHostPort(raw: string): { host: string; portText: string } | string {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(raw);
  if (bracketed !== null) return { host: bracketed[1]!, portText: bracketed[2]! };
  if (raw.startsWith('http://') || raw.startsWith('https://')) return 'must be ip:port with TLS passthrough, not a URL';
  const colons = raw.split(':').length - 1;
  if (colons === 0) return 'must be ip:port (missing port)';
  if (colons > 1) return 'must be ip:port ([ip]:port for IPv6; too many colons)';
  const [host, portText] = raw.split(':') as [string, string];
  return { host, portText };
}

/** Go's url.Parse as Backend.Valid uses it; the WHATWG URL parser is avoided because it rewrites `1.1` to `1.0.0.1`. */
function splitHttpUrl(raw: string): { host: string; portText: string | undefined } | string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#[\]]*)(?::([^/?#]*))?(?:[/?#].*)?$/s.exec(raw);
  if (match === null) return 'must be a URL of the form http://ip[:port]';
  if (match[1]!.toLowerCase() !== 'http') return `scheme must be http, not ${match[1]!.toLowerCase()}`;
  const host = match[2]!.replace(/^\[(.*)\]$/, '$1');
  return { host, portText: match[3] === '' ? undefined : match[3] };
}

/** Go's net.ParseIP refuses zone suffixes (`fe80::1%eth0`), which Node's isIP accepts. */
function ipFamily(host: string): 0 | 4 | 6 {
  if (host.includes('%')) return 0;
  return isIP(host) as 0 | 4 | 6;
}

/** net.IP.IsLoopback: 127/8 (also IPv4-mapped) and ::1. */
function isLoopback(ip: string): boolean {
  if (ip.startsWith('127.')) return true;
  if (/^::ffff:127\./i.test(ip)) return true;
  return /^(0{0,4}:){2,7}0{0,3}1$/.test(ip) || ip === '::1';
}

/**
 * A named network means a private address inside the user's Z-Net (the gateway joins that network).
 * Otherwise the address class decides: Yggdrasil lives in 200::/7, Mycelium in 400::/7.
 */
function routeOf(ip: string, family: 4 | 6, network: string | undefined): BackendRoute {
  if (network !== undefined) return 'znet';
  if (family === 6) {
    const firstGroup = ip.startsWith(':') ? 0 : parseInt(ip.split(':')[0]!, 16);
    const topByte = firstGroup >> 8;
    if (topByte === 0x02 || topByte === 0x03) return 'planetary';
    if (topByte === 0x04 || topByte === 0x05) return 'mycelium';
  }
  return 'public';
}
