import { applyDecorators } from '@nestjs/common';
import { IsISO8601, IsString, Matches } from 'class-validator';

/** Times in the API carry their offset (PRODUCT.md): "2026-03-01T17:00:00+07:00" or "…Z", never a bare local time. */
export const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export function IsDateTimeWithOffset(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsISO8601({ strict: true }),
    Matches(DATE_TIME_WITH_OFFSET, { message: 'validation.dateTimeWithOffset' }),
  );
}
