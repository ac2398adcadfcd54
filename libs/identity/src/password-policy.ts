import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError, ErrorCode } from '@app/common';

/**
 * The ~49,000 most common passwords from breach corpora, as shipped by @zxcvbn-ts/language-common
 * (lower-case). Loaded once; a Set makes the check a hash lookup.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/** Words from the product's own name: the first thing an attacker tries against this site. */
const PRODUCT_WORDS = ['haiphong', 'marketplace', 'solutionmarketplace'];

export type PasswordWeakness = 'common' | 'contains_email' | 'contains_product_name';

/** Lower case, no diacritics (đ → d), no spaces or punctuation: "Hải Phòng!" → "haiphong". */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** Why a password (already NFC) is too easy to guess, or null when it is acceptable. */
export function passwordWeakness(password: string, email?: string): PasswordWeakness | null {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(lower.trim())) return 'common';
  const folded = fold(password);
  if (email) {
    const address = email.toLowerCase().trim();
    const local = fold(address.split('@')[0] ?? '');
    if (lower.includes(address) || (local.length >= 3 && folded.includes(local))) return 'contains_email';
  }
  if (PRODUCT_WORDS.some((w) => folded.includes(w))) return 'contains_product_name';
  return null;
}

/**
 * The password to hash: NFC-normalised (so the same characters typed on any keyboard match),
 * refused with PASSWORD_TOO_WEAK when common or built from the e-mail or the product's name.
 */
export function acceptablePasswordOrFail(password: string, email?: string, field = 'password'): string {
  const normalised = password.normalize('NFC');
  const weakness = passwordWeakness(normalised, email);
  // The message is errors.PASSWORD_TOO_WEAK_<weakness>; details keep the stable reason code.
  if (weakness) throw new AppError(ErrorCode.PASSWORD_TOO_WEAK, { context: weakness }, [{ field, errors: [weakness] }]);
  return normalised;
}
