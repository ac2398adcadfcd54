import { Injectable } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, hkdfSync, KeyObject, sign, verify } from 'node:crypto';
import { AppConfig, canonicalJson } from '@app/common';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** What a tree head signature covers, as canonical JSON. */
export interface TreeHeadBody {
  treeSize: number;
  rootHash: string;
  signedAt: string;
}

/**
 * Signs the audit tree's heads with Ed25519. The key is AUDIT_SIGNING_KEY (base64 of a 32-byte
 * seed) or, when that is unset, derived from DATA_MASTER_KEY by HKDF — so an installation signs
 * from its first start without a new secret, and a city that wants a separate key (kept in an
 * HSM later) sets its own. Only the worker signs; anyone verifies with the published public key.
 */
@Injectable()
export class AuditSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** base64 of the raw 32-byte public key, and its short fingerprint (first 16 hex of its SHA-256). */
  readonly publicKeyBase64: string;
  readonly keyId: string;

  constructor(config: AppConfig) {
    const configured = config.get('AUDIT_SIGNING_KEY');
    const seed = configured
      ? Buffer.from(configured, 'base64')
      : Buffer.from(
          hkdfSync(
            'sha256',
            Buffer.from(config.get('DATA_MASTER_KEY'), 'base64'),
            Buffer.alloc(0),
            'audit-tree-head-signing',
            32,
          ),
        );
    this.privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    this.publicKey = createPublicKey(this.privateKey);
    const raw = this.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    this.publicKeyBase64 = raw.toString('base64');
    this.keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  }

  sign(body: TreeHeadBody): string {
    return sign(null, Buffer.from(canonicalJson(body)), this.privateKey).toString('base64');
  }

  verify(body: TreeHeadBody, signature: string): boolean {
    try {
      return verify(null, Buffer.from(canonicalJson(body)), this.publicKey, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}
