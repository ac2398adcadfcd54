import { ValidationError, ValidationPipe } from '@nestjs/common';
import { buildMessage, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { AppError } from './app-error';
import { ErrorCode } from './error-codes';

/**
 * A finite number with at most two decimal places. class-validator's own `maxDecimalPlaces` throws a
 * TypeError on numbers it prints in exponent form (1e-300), which became a 500; this one refuses them.
 */
export function IsDecimal2(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimal2',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && Number(value.toFixed(2)) === value,
        defaultMessage: buildMessage((each) => `${each}$property must be a number with at most two decimal places`, options),
      },
    },
    options,
  );
}

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
    exceptionFactory: (errors) => new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid.', flatten(errors)),
  });
}
