/**
 * Vietnamese enterprise tax codes (mã số thuế): 10 digits, or 13 as NNNNNNNNNN-NNN for a branch.
 * Digits 1–2 are a province code of the issuing office, 3–9 a serial, 10 a check digit:
 * N10 = 10 − (S mod 11) with S = Σ Ni·Wi, W = 31,29,23,19,17,13,7,5,3; where S mod 11 = 0 no
 * valid code exists. The province is never read from it: firms move, codes don't.
 */
const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

export type TaxCodeProblem = 'format' | 'serial' | 'check_digit' | 'branch';

export type TaxCodeResult = { valid: true; normalized: string; isBranch: boolean } | { valid: false; problem: TaxCodeProblem };

/** The check digit for the first nine digits, or null where none exists (S mod 11 = 0). */
export function taxCodeCheckDigit(firstNine: string): number | null {
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(firstNine[i]), 0);
  const rest = sum % 11;
  return rest === 0 ? null : (10 - rest) % 10;
}

export function validateTaxCode(input: string): TaxCodeResult {
  // Spaces and dots are tolerated on input ("0100 109 106", "0100.109.106-001").
  const compact = input.normalize('NFC').replace(/[\s.]/g, '');
  const match = /^(\d{10})(?:-(\d{3}))?$/.exec(compact);
  if (!match) return { valid: false, problem: 'format' };
  const [, main = '', branch] = match;
  if (main.slice(2, 9) === '0000000') return { valid: false, problem: 'serial' };
  if (taxCodeCheckDigit(main.slice(0, 9)) !== Number(main[9])) return { valid: false, problem: 'check_digit' };
  if (branch === '000') return { valid: false, problem: 'branch' };
  return { valid: true, normalized: branch ? `${main}-${branch}` : main, isBranch: Boolean(branch) };
}
