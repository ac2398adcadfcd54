import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createHmac,
  diffieHellman,
  KeyObject,
  randomFillSync,
} from 'node:crypto';
import { Readable } from 'node:stream';
import { recentMemo } from './recent-memo';

/**
 * The one envelope used for everything sealed (a version's content, an attachment's bytes and
 * its file name): AES-256-GCM under a fresh data key (DEK) per item, the DEK then wrapped twice —
 * for the problem (opened after the deadline) and for the bidding firm (its own read-back).
 *
 * The problem key is an X25519 key pair: its 32-byte random private half is stored wrapped by the
 * master key and is unwrapped only by SealedKeyring.openProblemKey after the deadline. Wrapping a
 * DEK for the problem needs only the public half (ECDH with a fresh ephemeral key, HKDF, AES-GCM),
 * so the API never holds a key able to open bids before the deadline — not even while it seals them.
 */

const CIPHER = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const X25519_BYTES = 32;

export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** The two wrapped copies of an item's data key, as stored beside it. */
export interface WrappedKeys {
  keyForProblem: Buffer;
  keyForBidder: Buffer;
}

/** Who can open what is sealed: the problem (public half only) and the bidding firm. */
export interface Recipients {
  problemPublicKey: Buffer;
  bidderKey: Buffer;
}

/** Turns one of the wrapped copies back into the data key; see SealedKeyring. */
export interface DataKeyOpener {
  openDataKey(keys: WrappedKeys, aad: string): Buffer;
}

/*
 * Keys and IVs are cut from a pool of random bytes refilled 4 KiB at a time, as Node's randomUUID
 * does: each crypto.randomBytes call costs a job object and a system call (OpenSSL's fork check),
 * and a seal takes five. Each piece is copied out and its place in the pool zeroed, so no key stays
 * behind in the pool and no byte is handed out twice.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;

/** `size` fresh random bytes (a CSPRNG's output, as crypto.randomBytes). */
function randomBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  if (size > POOL_BYTES) return randomFillSync(out);
  if (poolAt + size > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  pool.copy(out, 0, poolAt, poolAt + size);
  pool.fill(0, poolAt, poolAt + size);
  poolAt += size;
  return out;
}

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** AES-256-GCM with a random IV; the AAD binds the ciphertext to the row it belongs to. */
export function encrypt(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Throws when the key, the AAD, the IV, the tag or a single ciphertext bit is wrong. */
export function decrypt(key: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv(CIPHER, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** iv | tag | ciphertext in one column. */
export function pack(sealed: Sealed): Buffer {
  return Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]);
}

export function unpack(blob: Buffer): Sealed {
  if (blob.length < IV_BYTES + TAG_BYTES) throw new Error('Sealed blob is truncated');
  return {
    iv: blob.subarray(0, IV_BYTES),
    tag: blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: blob.subarray(IV_BYTES + TAG_BYTES),
  };
}

export function wrapKey(kek: Buffer, key: Buffer, aad: string): Buffer {
  return pack(encrypt(kek, key, aad));
}

export function unwrapKey(kek: Buffer, blob: Buffer, aad: string): Buffer {
  return decrypt(kek, unpack(blob), aad);
}

/** HKDF-SHA256: purpose-bound keys from one master key (bidder keys, the problem-key wrapping key). */
export function deriveKey(master: Buffer, info: string): Buffer {
  return hkdfSha256(master, Buffer.from('hpsm-proposals-v1'), Buffer.from(info, 'utf8'));
}

export interface ProblemKeyPair {
  privateKey: Buffer;
  publicKey: Buffer;
}

/**
 * Any 32 random bytes are an X25519 private key (the scalar is clamped when used). Keys are made
 * this way, never with generateKeyPairSync: on Node 20 a JWK export racing the garbage collection
 * of a key-generation job deadlocked the process (seen in the bench), and no such job runs here.
 */
export function newProblemKeyPair(): ProblemKeyPair {
  const privateKey = randomBytes(X25519_BYTES);
  return { privateKey, publicKey: publicKeyOf(privateKeyObject(privateKey)) };
}

/** ECIES-style: ephemeral public key | AES-GCM(HKDF(ECDH(eph, recipient)), secret). */
export function sealToPublicKey(recipientPublicKey: Buffer, secret: Buffer, aad: string): Buffer {
  const ephRaw = randomBytes(X25519_BYTES);
  const ephPrivate = privateKeyObject(ephRaw);
  ephRaw.fill(0);
  const ephPublic = publicKeyOf(ephPrivate);
  const kek = ecdhKek(ephPrivate, publicKeyObject(recipientPublicKey), ephPublic, recipientPublicKey);
  return Buffer.concat([ephPublic, wrapKey(kek, secret, aad)]);
}

export function openWithPrivateKey(pair: ProblemKeyPair, blob: Buffer, aad: string): Buffer {
  if (blob.length <= X25519_BYTES) throw new Error('Sealed blob is truncated');
  const ephPublic = blob.subarray(0, X25519_BYTES);
  const kek = ecdhKek(privateKeyObject(pair.privateKey), publicKeyObject(ephPublic), ephPublic, pair.publicKey);
  return unwrapKey(kek, blob.subarray(X25519_BYTES), aad);
}

/**
 * Seals several parts of one item (e.g. a file and its name) under one fresh data key, each part
 * with its own IV and AAD `${aad}#${index}`; the data key itself is bound to `aad`.
 */
export function sealParts(recipients: Recipients, aad: string, parts: Buffer[]): { keys: WrappedKeys; parts: Sealed[] } {
  const dek = randomKey();
  try {
    return {
      keys: {
        keyForProblem: sealToPublicKey(recipients.problemPublicKey, dek, aad),
        keyForBidder: wrapKey(recipients.bidderKey, dek, aad),
      },
      parts: parts.map((part, i) => encrypt(dek, part, `${aad}#${i}`)),
    };
  } finally {
    dek.fill(0);
  }
}

/** Pieces in which a file is encrypted while streamed to storage. */
const STREAM_PIECE_BYTES = 256 * 1024;

/**
 * Seals a file and its name the way sealParts does (part 0 the file, part 1 the name, one fresh
 * data key), but the file's ciphertext is handed to `store` as a stream, encrypted piece by piece
 * as the store reads it: only the plaintext the caller already holds is ever whole in memory.
 * The stored bytes are exactly what sealParts would produce, so either side can open the other's.
 */
export async function sealFileStreamed(
  recipients: Recipients,
  aad: string,
  file: Buffer,
  name: Buffer,
  store: (ciphertext: Readable) => Promise<void>,
): Promise<{ keys: WrappedKeys; file: { iv: Buffer; tag: Buffer }; name: Sealed }> {
  const dek = randomKey();
  try {
    const keys = {
      keyForProblem: sealToPublicKey(recipients.problemPublicKey, dek, aad),
      keyForBidder: wrapKey(recipients.bidderKey, dek, aad),
    };
    const sealedName = encrypt(dek, name, `${aad}#1`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, dek, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${aad}#0`, 'utf8'));
    await store(
      Readable.from(
        (function* () {
          for (let at = 0; at < file.length; at += STREAM_PIECE_BYTES)
            yield cipher.update(file.subarray(at, at + STREAM_PIECE_BYTES));
          const last = cipher.final();
          if (last.length > 0) yield last;
        })(),
      ),
    );
    return { keys, file: { iv, tag: cipher.getAuthTag() }, name: sealedName };
  } finally {
    dek.fill(0);
  }
}

/**
 * Opens a file sealed by sealFileStreamed (or sealParts) while reading its ciphertext as a stream,
 * decrypting into one buffer of the recorded size: the plaintext is whole in memory once, and it
 * is returned only after the GCM tag proved every byte authentic.
 */
export async function openFileStreamed(
  opener: DataKeyOpener,
  keys: WrappedKeys,
  aad: string,
  file: { iv: Buffer; tag: Buffer; sizeBytes: number; ciphertext: Readable },
  name: Sealed,
): Promise<{ bytes: Buffer; name: Buffer }> {
  const dek = opener.openDataKey(keys, aad);
  try {
    const decipher = createDecipheriv(CIPHER, dek, file.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${aad}#0`, 'utf8'));
    decipher.setAuthTag(file.tag);
    const bytes = Buffer.alloc(file.sizeBytes);
    let offset = 0;
    const take = (plain: Buffer) => {
      if (offset + plain.length > bytes.length) throw new Error('Sealed file is longer than recorded');
      plain.copy(bytes, offset);
      offset += plain.length;
    };
    for await (const chunk of file.ciphertext) take(decipher.update(chunk as Buffer));
    take(decipher.final());
    if (offset !== bytes.length) throw new Error('Sealed file is shorter than recorded');
    return { bytes, name: decrypt(dek, name, `${aad}#1`) };
  } finally {
    dek.fill(0);
  }
}

/** Opens the parts given; pass null for a part not needed (indices keep their AAD). */
export function openParts(opener: DataKeyOpener, keys: WrappedKeys, aad: string, parts: (Sealed | null)[]): (Buffer | null)[] {
  const dek = opener.openDataKey(keys, aad);
  try {
    return parts.map((part, i) => (part ? decrypt(dek, part, `${aad}#${i}`) : null));
  } finally {
    dek.fill(0);
  }
}

const FIRST_BLOCK = Buffer.from([1]);

/**
 * HKDF-SHA256 (RFC 5869) of one 32-byte block: PRK = HMAC(salt, ikm), key = HMAC(PRK, info | 0x01).
 * The same bytes as crypto.hkdfSync (the unit spec compares them), which sets up an OpenSSL KDF job
 * per call at twice the cost of the two HMACs; a seal and each firm's key take one.
 */
function hkdfSha256(ikm: Buffer, salt: Buffer, info: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(info).update(FIRST_BLOCK).digest();
}

function ecdhKek(privateKey: KeyObject, publicKey: KeyObject, ephPublic: Buffer, recipientPublic: Buffer): Buffer {
  const shared = diffieHellman({ privateKey, publicKey });
  return hkdfSha256(shared, Buffer.concat([ephPublic, recipientPublic]), Buffer.from('hpsm-problem-seal-v1'));
}

/**
 * The public half, as raw bytes. OpenSSL computes it when the private key is imported (X25519 with
 * the base point, RFC 7748 section 6.1); the JWK export hands those bytes back (~2 µs), where a
 * second scalar multiplication cost ~30 µs and a DER export ~60 µs.
 */
function publicKeyOf(privateKey: KeyObject): Buffer {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

/*
 * Raw X25519 keys are imported as JWK, not DER: OpenSSL 3's DER decoders cost ~1 ms a key (most
 * of a submission's CPU when each seal imported three), the JWK import hands the raw bytes straight
 * to OpenSSL (~0.05 ms). Only public halves are ever exported, as JWK (see newProblemKeyPair).
 */
function publicKeyObject(raw: Buffer): KeyObject {
  return recentPublicKey(raw.toString('base64url'));
}
// Bids come in bursts per problem: its key is imported once, not per bid. Public keys only.
const recentPublicKey = recentMemo(1024, (x) => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' }));

/** Node requires `x` to be a string but builds a private key from `d` alone (the public half follows from it). */
function privateKeyObject(raw: Buffer): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: raw.toString('base64url'), x: '' }, format: 'jwk' });
}
