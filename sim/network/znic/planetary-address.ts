// Planetary (Yggdrasil) addresses as zos derives them: the node's /64 from its overlay key (ygg's address
// scheme, DOMAIN 4), and a VM's address as that prefix plus 8 bytes of sha512("ygg:" + tap name) (DOMAIN 1.8).
// Leaves out ed25519: the overlay's keys are numbers, so a 32-byte stand-in public key is hashed from one.

import { createHash } from 'node:crypto';

/** The 32-byte public key standing in for the node's ed25519 key; stable for a given overlay key. */
export function overlayPublicKey(overlayKey: number): Uint8Array {
  return new Uint8Array(createHash('sha512').update(`planetary-key:${overlayKey}`).digest()).subarray(0, 32);
}

/**
 * The node address in 200::/7: byte 0 is 0x02, byte 1 counts the leading 1-bits of the inverted key,
 * then the inverted key's bits after the first 0, truncated to 128 bits. Keys with more leading zeros
 * (harder to brute-force) get more key bits checked, which is why ygg spends a byte on the count.
 */
export function yggNodeAddress(publicKey: Uint8Array): Uint8Array {
  const address = new Uint8Array(16);
  address[0] = 0x02;
  let ones = 0;
  let counting = true;
  let out = 2;
  let bits = 0;
  let bitCount = 0;
  for (let i = 0; i < publicKey.length * 8 && out < 16; i++) {
    const bit = ((~publicKey[i >> 3]! >> (7 - (i & 7))) & 1) === 1;
    if (counting) {
      if (bit) ones++;
      else counting = false; // the first 0 ends the run and is implied by the count, so it is skipped
      continue;
    }
    bits = (bits << 1) | (bit ? 1 : 0);
    if (++bitCount === 8) {
      address[out++] = bits;
      bits = 0;
      bitCount = 0;
    }
  }
  address[1] = ones;
  return address;
}

/** The node's routable /64: its address with the first byte 0x03, first 8 bytes. */
export function yggNodeSubnet(publicKey: Uint8Array): Uint8Array {
  const prefix = yggNodeAddress(publicKey).slice(0, 8);
  prefix[0] = 0x03;
  return prefix;
}

/** A VM's planetary address on a node: the node's /64 and 8 bytes hashed from the tap's name. */
export function planetaryIp(nodeSubnet: Uint8Array, tapName: string): string {
  const address = new Uint8Array(16);
  address.set(nodeSubnet.subarray(0, 8));
  address.set(createHash('sha512').update(`ygg:${tapName}`).digest().subarray(0, 8), 8);
  return formatIpv6(address);
}

const base58Alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** zos names devices base58(md5(id:suffix)) cut to 13 characters, the Linux interface name budget. */
export function deviceName(workloadId: string, suffix: string): string {
  const digest = createHash('md5').update(`${workloadId}:${suffix}`).digest();
  let value = BigInt(`0x${digest.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = base58Alphabet[Number(value % 58n)] + text;
    value /= 58n;
  }
  for (const byte of digest) {
    if (byte !== 0) break;
    text = `1${text}`;
  }
  return text.slice(0, 13);
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of ≥ 2 zero groups as "::". */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
