// Mycelium addresses as mycelium and zos derive them: a router's address in 400::/7 from blake3 of its
// x25519 public key (mycelium src/crypto.rs PublicKey::address), its /64 the first 8 bytes, and a VM's
// address = its network resource's /64 + ff0f + the 6-byte seed (zosbase pkg/network/nr/net_resource.go
// MyceliumInspection.IP). Leaves out the daemon's key file; blake3 here covers inputs of ≤ 64 bytes only.

import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { InputError } from '../../errors.js';
import { formatIpv6 } from './planetary-address.js';

const iv = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const permutation = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
const chunkStart = 1;
const chunkEnd = 2;
const root = 8;

const rotr = (x: number, n: number): number => ((x >>> n) | (x << (32 - n))) >>> 0;

function g(s: Uint32Array, a: number, b: number, c: number, d: number, x: number, y: number): void {
  s[a] = (s[a]! + s[b]! + x) >>> 0;
  s[d] = rotr(s[d]! ^ s[a]!, 16);
  s[c] = (s[c]! + s[d]!) >>> 0;
  s[b] = rotr(s[b]! ^ s[c]!, 12);
  s[a] = (s[a]! + s[b]! + y) >>> 0;
  s[d] = rotr(s[d]! ^ s[a]!, 8);
  s[c] = (s[c]! + s[d]!) >>> 0;
  s[b] = rotr(s[b]! ^ s[c]!, 7);
}

/**
 * BLAKE3 of a message of at most one block (64 bytes): one compression of the single chunk with the
 * root flag; its first 64 output bytes are the XOF stream mycelium reads 16 bytes of.
 */
export function blake3Small(message: Uint8Array, outBytes = 32): Uint8Array {
  if (message.length > 64 || outBytes > 64) throw new RangeError('blake3Small: at most 64 bytes in and out');
  const block = new Uint8Array(64);
  block.set(message);
  let m = new Uint32Array(16);
  for (let i = 0; i < 16; i++) m[i] = (block[4 * i]! | (block[4 * i + 1]! << 8) | (block[4 * i + 2]! << 16) | (block[4 * i + 3]! << 24)) >>> 0;
  const s = new Uint32Array([...iv, iv[0]!, iv[1]!, iv[2]!, iv[3]!, 0, 0, message.length, chunkStart | chunkEnd | root]);
  for (let round = 0; round < 7; round++) {
    g(s, 0, 4, 8, 12, m[0]!, m[1]!);
    g(s, 1, 5, 9, 13, m[2]!, m[3]!);
    g(s, 2, 6, 10, 14, m[4]!, m[5]!);
    g(s, 3, 7, 11, 15, m[6]!, m[7]!);
    g(s, 0, 5, 10, 15, m[8]!, m[9]!);
    g(s, 1, 6, 11, 12, m[10]!, m[11]!);
    g(s, 2, 7, 8, 13, m[12]!, m[13]!);
    g(s, 3, 4, 9, 14, m[14]!, m[15]!);
    m = Uint32Array.from(permutation, (p) => m[p]!);
  }
  const words = new Uint32Array(16);
  for (let i = 0; i < 8; i++) {
    words[i] = (s[i]! ^ s[i + 8]!) >>> 0;
    words[i + 8] = (s[i + 8]! ^ iv[i]!) >>> 0;
  }
  const out = new Uint8Array(64);
  for (let i = 0; i < 16; i++) for (let k = 0; k < 4; k++) out[4 * i + k] = (words[i]! >>> (8 * k)) & 0xff;
  return out.slice(0, outBytes);
}

/** The x25519 public key of a 32-byte private key (mycelium's key file holds the private key). */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32) throw new InputError('mycelium', 'hex_key', `must be 32 bytes, got ${privateKey.length}`);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(privateKey)]);
  const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

/** A router's address in 400::/7: blake3 XOF of the public key, first byte 0x04 | (odd popcount of the hash's first byte). */
export function myceliumAddress(publicKey: Uint8Array): Uint8Array {
  const address = blake3Small(publicKey, 16);
  let ones = 0;
  for (let b = address[0]!; b !== 0; b >>= 1) ones += b & 1;
  address[0] = 0x04 | (ones % 2);
  return address;
}

/** The router's /64 (its first 8 bytes): a node's host daemon, or a network resource's daemon keyed by the network's hex_key. */
export function myceliumSubnet(privateKey: Uint8Array): Uint8Array {
  return myceliumAddress(x25519PublicKey(privateKey)).slice(0, 8);
}

/** A stand-in 32-byte private key for a simulated node, stable for its overlay key (real nodes derive it from their identity). */
export function nodeMyceliumKey(nodeKey: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`mycelium-node-key:${nodeKey}`).digest());
}

/** A VM's mycelium IP: the network resource's /64, ff0f, the 6-byte seed; zos's errors for bad seeds. */
export function myceliumVmIp(networkSubnet: Uint8Array, seed: Uint8Array): string {
  if (seed.length !== 6) throw new InputError('zmachine', 'mycelium.hex_seed', 'invalid mycelium seed length expected 6 bytes');
  if (seed.every((b) => b === 0) || seed.every((b) => b === 0xff)) throw new InputError('zmachine', 'mycelium.hex_seed', 'invalid seed');
  const ip = new Uint8Array(16);
  ip.set(networkSubnet.subarray(0, 8));
  ip[8] = 0xff;
  ip[9] = 0x0f;
  ip.set(seed, 10);
  return formatIpv6(ip);
}

/**
 * Which overlay NICs zos gives a zmachine (zosbase pkg/primitives/vm/vm.go): `planetary: true` adds a
 * Yggdrasil NIC, a `mycelium` field a Mycelium NIC on its network's daemon; they are independent, so
 * planetary without mycelium means Yggdrasil only.
 */
export function overlayNics(zmachine: { readonly planetary?: boolean; readonly mycelium?: unknown }): { yggdrasil: boolean; mycelium: boolean } {
  return { yggdrasil: zmachine.planetary === true, mycelium: zmachine.mycelium !== undefined && zmachine.mycelium !== null };
}
