import * as argon2 from 'argon2';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** argon2id with the OWASP Password Storage Cheat Sheet parameters (m=19 MiB, t=2, p=1). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A hash of a random password, verified against when the e-mail is unknown so timing does not tell. */
let dummyHash: Promise<string> | null = null;

/** Passwords are compared in Unicode NFC, so "ệ" typed precomposed or decomposed is the same. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), OPTIONS);
}

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= argon2.hash('not-a-real-password-' + Math.random(), OPTIONS);
    await argon2.verify(await dummyHash, password.normalize('NFC'));
    return false;
  }
  return argon2.verify(hash, password.normalize('NFC'));
}
