import { ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { DEFAULT_LANGUAGE, hasTranslation, Msg } from '../i18n/i18n';
import { fieldName } from '../i18n/messages';
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
        // The text is `validation.isDecimal2` in the translation files.
        defaultMessage: () => 'validation.isDecimal2',
      },
    },
    options,
  );
}

/** For PATCH fields the row cannot do without: absent means "keep", null is refused (IsOptional would let null through). */
export const UnlessOmitted = () => ValidateIf((_o: object, value: unknown) => value !== undefined);

export interface FieldError {
  field: string;
  /** Each problem with the field, in the reader's language (translated by the error filter). */
  errors: Msg[];
}

/**
 * A decorator's own `message` is a key of the `validation` texts (e.g. `validation.areaCode`);
 * otherwise the text is `validation.<constraint name>` (e.g. `validation.maxLength`).
 */
const KEY_PREFIX = 'validation.';

/** The arguments a decorator was given (MaxLength(200) → [200]), to fill in the message. */
function constraintArgs(target: object | undefined, property: string, constraint: string): unknown[] {
  if (!target) return [];
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === property && m.name === constraint);
  return (metadata?.constraints as unknown[] | undefined) ?? [];
}

function describe(error: ValidationError, path: string, constraint: string, message: string): Msg {
  const named = message.startsWith(KEY_PREFIX) ? message : `${KEY_PREFIX}${constraint}`;
  const key = hasTranslation(DEFAULT_LANGUAGE, named) ? named : `${KEY_PREFIX}invalid`;
  const params: Record<string, string | number | Msg> = {
    field: constraint === 'whitelistValidation' ? error.property : fieldName(path),
  };
  constraintArgs(error.target, error.property, constraint).forEach((arg, i) => {
    params[String(i)] = Array.isArray(arg) ? arg.join(', ') : typeof arg === 'number' ? arg : String(arg);
  });
  return new Msg(key, params);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints
      ? [{ field, errors: Object.entries(e.constraints).map(([constraint, message]) => describe(e, field, constraint, message)) }]
      : [];
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
    // The target lets the messages name the decorator's arguments (see constraintArgs).
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new AppError(ErrorCode.VALIDATION_FAILED, {}, flatten(errors)),
  });
}
