import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { AppError } from './app-error';
import { ErrorCode } from './error-codes';

/** For PATCH fields the row cannot do without: absent means "keep", null is refused (IsOptional would let null through). */
export const UnlessOmitted = () => ValidateIf((_o: object, value: unknown) => value !== undefined);

export interface FieldError {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The one global ValidationPipe: unknown fields are refused, input is transformed to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) =>
      new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid.', flatten(errors)),
  });
}
