import { AppError, ErrorCode } from '@app/common';
import { TaxCodeProblem, validateTaxCode } from './tax-code';

const MESSAGES: Record<TaxCodeProblem, string> = {
  format: 'A tax code has 10 digits, or 13 written NNNNNNNNNN-NNN for a branch.',
  serial: 'The serial part of a tax code (digits 3 to 9) cannot be all zeros.',
  check_digit: 'The tax code is mistyped: its 10th digit does not match the first nine.',
  branch: 'A branch suffix cannot be 000.',
};

/** The normalised tax code, or TAX_CODE_INVALID naming what is wrong with it. */
export function normalizeTaxCodeOrFail(input: string, field: string): string {
  const result = validateTaxCode(input);
  if (result.valid) return result.normalized;
  throw new AppError(ErrorCode.TAX_CODE_INVALID, MESSAGES[result.problem], { field, problem: result.problem });
}
