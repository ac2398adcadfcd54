import { AppError, ErrorCode } from '@app/common';
import { validateTaxCode } from './tax-code';

/** The normalised tax code, or TAX_CODE_INVALID naming what is wrong with it. */
export function normalizeTaxCodeOrFail(input: string, field: string): string {
  const result = validateTaxCode(input);
  if (result.valid) return result.normalized;
  throw new AppError(ErrorCode.TAX_CODE_INVALID, { context: result.problem }, { field, problem: result.problem });
}
