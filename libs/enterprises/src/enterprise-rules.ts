import { AppError, ErrorCode, fieldName, Msg } from '@app/common';

/** A date a firm gives about itself (founding, activity start) cannot be in the future. */
export function notInFuture(date: string | null | undefined, today: string, field: string): void {
  if (date && date > today) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, {}, [
      { field, errors: [new Msg('validation.notFuture', { field: fieldName(field) })] },
    ]);
  }
}

/** A stated activity start is later than the founding date, not in the future, and comes with evidence. */
export function checkActivityStart(
  foundedOn: string | null,
  startedOn: string | null,
  evidence: string | null,
  today: string,
  prefix: string,
): void {
  if (!startedOn) return;
  const errors: { field: string; errors: Msg[] }[] = [];
  const started = fieldName('activityStartedOn');
  if (startedOn > today)
    errors.push({ field: `${prefix}activityStartedOn`, errors: [new Msg('validation.notFuture', { field: started })] });
  if (foundedOn && startedOn < foundedOn)
    errors.push({
      field: `${prefix}activityStartedOn`,
      errors: [new Msg('validation.notBefore', { field: started, other: fieldName('foundedOn') })],
    });
  if (!evidence)
    errors.push({
      field: `${prefix}activityStartEvidence`,
      errors: [new Msg('validation.activityEvidence', { field: fieldName('activityStartEvidence') })],
    });
  if (errors.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, {}, errors);
}
