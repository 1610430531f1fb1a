// WireGuard keys from a network workload: a real key (base64 of 32 bytes, what the grid client puts
// in `wireguard_private_key`) is used as given; the simulator's stand-ins (sim/network/znet/workloads.ts:
// `wg-key:<net>:<node>` and its public twin `wg-pub:<net>:<node>`) become real X25519 keys derived
// from the text, so a document the simulator wrote also runs on a host. Leaves out preshared keys.

import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';

/** DER headers of an X25519 PKCS#8 private key and SPKI public key (RFC 8410), before the 32 raw bytes. */
const pkcs8Header = Buffer.from('302e020100300506032b656e04220420', 'hex');
const spkiHeaderLength = 12;

const standInPrivate = /^wg-key:(.+)$/;
const standInPublic = /^wg-pub:(.+)$/;

/** A base64 WireGuard key: 32 bytes, 44 characters ending in '='. */
export function isWgKey(text: string): boolean {
  return /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(text);
}

/** The private key to configure for a document's `wireguard_private_key`. */
export function privateKeyOf(documentKey: string): string {
  if (isWgKey(documentKey)) return documentKey;
  // Clamped as curve25519 requires (WireGuard's `wg genkey` does the same), so wg accepts it as is.
  const raw = createHash('sha256').update(documentKey).digest();
  raw[0] = raw[0]! & 248;
  raw[31] = (raw[31]! & 127) | 64;
  return raw.toString('base64');
}

/** The public key of a private key (what `wg pubkey` prints). */
export function publicKeyOf(privateKey: string): string {
  const der = Buffer.concat([pkcs8Header, Buffer.from(privateKey, 'base64')]);
  const spki = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return spki.subarray(spkiHeaderLength).toString('base64');
}

/** The public key to configure for a peer's `wireguard_public_key`; undefined when it is neither real nor a stand-in. */
export function peerPublicKeyOf(documentKey: string): string | undefined {
  if (isWgKey(documentKey)) return documentKey;
  const standIn = standInPublic.exec(documentKey);
  return standIn === null ? undefined : publicKeyOf(privateKeyOf(`wg-key:${standIn[1]}`));
}

/** Whether a document key is usable as a private key here (real, or the simulator's stand-in). */
export function isUsablePrivateKey(documentKey: string): boolean {
  return isWgKey(documentKey) || standInPrivate.test(documentKey);
}
