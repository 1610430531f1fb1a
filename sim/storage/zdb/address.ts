// Where a qsfs backend's `address` leads: zos's qsfs config names each 0-db as "[ip]:port" or
// "ip:port" (threefoldtech/zos pkg/gridtypes/zos/qsfs.go, ZdbBackend), copied by the client from the
// zdb workload's result {Namespace, IPs, Port} (pkg/gridtypes/zos/zdb.go, ZDBResult). Leaves out DNS names.

/** An address split into a canonical IP (IPv6 compressed as URL does it, no brackets) and a port. */
export interface ZdbEndpoint {
  readonly ip: string;
  readonly port: number;
}

/** "[ipv6]:port" or "ipv4:port" → endpoint; null for anything else (a name, no port, a bad IP). */
export function parseZdbAddress(address: string): ZdbEndpoint | null {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(address);
  if (match === null) return null;
  const port = Number(match[3]);
  if (!(port >= 1 && port <= 65535)) return null;
  const ip = canonicalIp(match[1] === undefined ? match[2]! : `[${match[1]}]`);
  return ip === null ? null : { ip, port };
}

/** One spelling per address ("302:0:3:1:0:0:0:1" and "302:0:3:1::1" are the same 0-db). */
export function canonicalIp(ip: string): string | null {
  const bracketed = ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip;
  try {
    return new URL(`http://${bracketed}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

/**
 * The simulated grid's 0-db addresses: one per (node, disk), `302:<node high>:<node low>:<disk>::1`,
 * in the Yggdrasil range as real ones are (the node's ygg /64, one container per disk). The zdb
 * manager answers these in its results (disk-managers.ts `zdbAddresses`); this reads one back.
 */
export function simZdbAddress(node: number, disk: number): string {
  return `302:${(node >>> 16).toString(16)}:${(node & 0xffff).toString(16)}:${disk.toString(16)}::1`;
}

/** The (node, disk) a simulated 0-db address names, or null when `ip` is outside that plan. */
export function simZdbLocation(ip: string): { node: number; disk: number } | null {
  const groups = ipv6Groups(ip);
  if (groups === null || groups[0] !== 0x302 || groups[4] !== 0 || groups[5] !== 0 || groups[6] !== 0 || groups[7] !== 1) return null;
  return { node: groups[1]! * 0x10000 + groups[2]!, disk: groups[3]! };
}

/** The eight 16-bit groups of an IPv6 address; null for IPv4 or a bad address. */
function ipv6Groups(ip: string): number[] | null {
  const canonical = canonicalIp(ip);
  if (canonical === null || !canonical.includes(':')) return null;
  const [head, tail] = canonical.includes('::') ? canonical.split('::') as [string, string] : [canonical, undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  if (tail === undefined) return front.length === 8 ? front : null;
  const back = parse(tail);
  return [...front, ...Array.from({ length: 8 - front.length - back.length }, () => 0), ...back];
}
