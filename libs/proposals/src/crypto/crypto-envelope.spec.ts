import { createPrivateKey, createPublicKey, hkdfSync } from 'node:crypto';
import {
  decrypt,
  deriveKey,
  encrypt,
  newProblemKeyPair,
  openParts,
  openWithPrivateKey,
  pack,
  randomKey,
  sealParts,
  sealToPublicKey,
  unpack,
  unwrapKey,
  wrapKey,
} from './crypto-envelope';

const flip = (buf: Buffer, index = 0): Buffer => {
  const copy = Buffer.from(buf);
  copy[index]! ^= 0x01;
  return copy;
};

describe('crypto envelope', () => {
  const plaintext = Buffer.from('Giá đề xuất 1.234.567.890 VND — phương án bí mật', 'utf8');

  it('round-trips with AES-256-GCM and never writes the plaintext into the ciphertext', () => {
    const key = randomKey();
    const sealed = encrypt(key, plaintext, 'row-1');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext.includes(Buffer.from('1.234.567.890'))).toBe(false);
    expect(decrypt(key, sealed, 'row-1').equals(plaintext)).toBe(true);
    expect(decrypt(key, unpack(pack(sealed)), 'row-1').equals(plaintext)).toBe(true);
  });

  it('detects tampering with the ciphertext, tag, IV, AAD or key', () => {
    const key = randomKey();
    const sealed = encrypt(key, plaintext, 'row-1');
    expect(() => decrypt(key, { ...sealed, ciphertext: flip(sealed.ciphertext, 5) }, 'row-1')).toThrow();
    expect(() => decrypt(key, { ...sealed, tag: flip(sealed.tag) }, 'row-1')).toThrow();
    expect(() => decrypt(key, { ...sealed, iv: flip(sealed.iv) }, 'row-1')).toThrow();
    expect(() => decrypt(key, sealed, 'row-2')).toThrow();
    expect(() => decrypt(randomKey(), sealed, 'row-1')).toThrow();
  });

  it('hands out fresh random keys and IVs from its pool, never the same bytes twice', () => {
    // 4,000 keys and IVs span many refills of the 4 KiB pool.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      seen.add(randomKey().toString('hex'));
      seen.add(encrypt(randomKey(), plaintext, 'row').iv.toString('hex'));
    }
    expect(seen.size).toBe(4000);
    expect(seen.has('00'.repeat(32))).toBe(false);
    expect(seen.has('00'.repeat(12))).toBe(false);
  });

  it('wraps and unwraps a key, bound to its AAD', () => {
    const kek = randomKey();
    const dek = randomKey();
    const wrapped = wrapKey(kek, dek, 'proposal-version:a:1');
    expect(unwrapKey(kek, wrapped, 'proposal-version:a:1').equals(dek)).toBe(true);
    expect(() => unwrapKey(kek, wrapped, 'proposal-version:b:1')).toThrow();
    expect(() => unwrapKey(kek, flip(wrapped, 30), 'proposal-version:a:1')).toThrow();
  });

  it('derives distinct, stable keys per purpose (HKDF-SHA256)', () => {
    const master = Buffer.alloc(32, 9);
    expect(deriveKey(master, 'bidder:x').equals(deriveKey(master, 'bidder:x'))).toBe(true);
    expect(deriveKey(master, 'bidder:x').equals(deriveKey(master, 'bidder:y'))).toBe(false);
    expect(deriveKey(master, 'bidder:x')).toHaveLength(32);
    // The same bytes as Node's HKDF (RFC 5869), for any master key and purpose.
    for (let i = 0; i < 50; i++) {
      const key = randomKey();
      const info = `bidder:${i}:${'ư'.repeat(i)}`;
      const expected = Buffer.from(hkdfSync('sha256', key, Buffer.from('hpsm-proposals-v1'), Buffer.from(info, 'utf8'), 32));
      expect(deriveKey(key, info).equals(expected)).toBe(true);
    }
  });

  it('seals to a problem public key that only the private key opens', () => {
    const pair = newProblemKeyPair();
    const other = newProblemKeyPair();
    expect(pair.privateKey).toHaveLength(32);
    expect(pair.publicKey).toHaveLength(32);
    const dek = randomKey();
    const blob = sealToPublicKey(pair.publicKey, dek, 'aad');
    expect(openWithPrivateKey(pair, blob, 'aad').equals(dek)).toBe(true);
    expect(() => openWithPrivateKey(other, blob, 'aad')).toThrow();
    expect(() => openWithPrivateKey(pair, blob, 'other-aad')).toThrow();
    expect(() => openWithPrivateKey(pair, flip(blob, 40), 'aad')).toThrow();
  });

  it('opens with the X25519 of RFC 7748 (the key import is the standard curve, not only self-consistent)', () => {
    // RFC 7748 section 6.1: Alice's key pair, Bob's public key as the ephemeral half, their shared secret.
    const alice = {
      privateKey: Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'),
      publicKey: Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex'),
    };
    const bobPublic = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex');
    const shared = Buffer.from('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742', 'hex');
    const kek = Buffer.from(
      hkdfSync('sha256', shared, Buffer.concat([bobPublic, alice.publicKey]), Buffer.from('hpsm-problem-seal-v1'), 32),
    );
    const dek = randomKey();
    const blob = Buffer.concat([bobPublic, wrapKey(kek, dek, 'aad')]);
    expect(openWithPrivateKey(alice, blob, 'aad').equals(dek)).toBe(true);
    // And a fresh pair's public half is the one its private half implies.
    const pair = newProblemKeyPair();
    expect(openWithPrivateKey(pair, sealToPublicKey(pair.publicKey, dek, 'aad'), 'aad').equals(dek)).toBe(true);
    // The public half (X25519 with the base point) is the one OpenSSL derives, as DER (RFC 8410).
    const openssl = createPublicKey(
      createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: pair.privateKey.toString('base64url'), x: '' }, format: 'jwk' }),
    ).export({ format: 'der', type: 'spki' });
    expect(openssl.subarray(12).equals(pair.publicKey)).toBe(true);
  });

  it('seals several parts under one data key that both the problem and the bidder can open', () => {
    const pair = newProblemKeyPair();
    const bidderKey = randomKey();
    const { keys, parts } = sealParts({ problemPublicKey: pair.publicKey, bidderKey }, 'att:1', [
      plaintext,
      Buffer.from('hồ-sơ.pdf'),
    ]);
    const asBidder = { openDataKey: (k: typeof keys, aad: string) => unwrapKey(bidderKey, k.keyForBidder, aad) };
    const asProblem = { openDataKey: (k: typeof keys, aad: string) => openWithPrivateKey(pair, k.keyForProblem, aad) };
    for (const opener of [asBidder, asProblem]) {
      const [file, name] = openParts(opener, keys, 'att:1', parts);
      expect(file?.equals(plaintext)).toBe(true);
      expect(name?.toString('utf8')).toBe('hồ-sơ.pdf');
    }
    // Parts cannot be swapped: each has its own AAD.
    expect(() => openParts(asBidder, keys, 'att:1', [parts[1]!, parts[0]!])).toThrow();
    // Another firm's key opens nothing.
    const intruder = { openDataKey: (k: typeof keys, aad: string) => unwrapKey(randomKey(), k.keyForBidder, aad) };
    expect(() => openParts(intruder, keys, 'att:1', parts)).toThrow();
  });
});
