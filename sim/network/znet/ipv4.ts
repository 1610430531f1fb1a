// IPv4 addresses and CIDR ranges as 32-bit numbers, for the user networks' ranges and subnets.
// Leaves out IPv6 arithmetic: Z-Net ranges are IPv4 by design (DOMAIN 1.7); IPv6 is only derived.

/** A range: `base` is the network address (host bits zero), `prefix` its length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** The address as an unsigned 32-bit number, or -1 if it is not a dotted quad. */
export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) return -1;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return -1;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** 2^(32-prefix): the number of addresses in a range, exact for every prefix (no 32-bit shift wrap). */
export function rangeSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/**
 * `a.b.c.d/n`, or a reason it is not one. Host bits must be zero, as Go's net.ParseCIDR callers in
 * zos compare network addresses: "10.1.2.3/16" names no range of its own.
 */
export function parseCidr(text: unknown): Cidr | string {
  if (typeof text !== 'string' || text === '') return 'must be a non-empty IPv4 CIDR range like 10.1.0.0/16';
  const [ip = '', prefixText, extra] = text.split('/');
  const address = parseIpv4(ip);
  if (address < 0 || prefixText === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    return `'${text}' is not an IPv4 CIDR range like 10.1.0.0/16`;
  }
  const prefix = Number(prefixText);
  if (address % rangeSize(prefix) !== 0) return `'${text}' has host bits set: the range starts at ${formatCidr({ base: address - (address % rangeSize(prefix)), prefix })}`;
  return { base: address, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

export function cidrContainsIp(cidr: Cidr, address: number): boolean {
  return address >= cidr.base && address < cidr.base + rangeSize(cidr.prefix);
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContainsIp(outer, inner.base);
}

export function cidrEquals(a: Cidr, b: Cidr): boolean {
  return a.base === b.base && a.prefix === b.prefix;
}

/** Whether two ranges share any address (one of them then contains the other). */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
