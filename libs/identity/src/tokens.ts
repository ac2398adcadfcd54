import { createSecretKey, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '@app/common';

/** Opaque token `<row id>.<secret>`; only the SHA-256 of the secret is stored. */
export function newOpaqueToken(id: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${id}.${secret}`, hash: sha256Hex(secret) };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseOpaqueToken(token: string): { id: string; hash: string } | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!UUID_RE.test(id) || secret.length < 20) return null;
  return { id, hash: sha256Hex(secret) };
}

/** Compares two stored token hashes (hex) in constant time. */
export function sameTokenHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * JWT_SECRET as a key object, made once. Given a string, jsonwebtoken first tries to parse it as a
 * PEM public or private key on every sign and verify (OpenSSL's decoders, then a thrown error):
 * ~2 ms of CPU per authenticated request, more than most handlers.
 */
export function accessTokenKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
