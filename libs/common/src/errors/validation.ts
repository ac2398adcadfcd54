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

const RULES_REMEMBERED = Symbol('rulesRemembered');

/**
 * class-validator finds a class's rules by scanning every decorated class, on every validation of
 * every object (typestack/class-validator#2686): with this API's hundreds of DTOs the scan cost
 * more than the validation itself (~12 µs of a ~250 µs area read). A class's rules do not change
 * once it is loaded, so the answer is remembered per class and arguments, and all of it forgotten
 * whenever a rule is added (a class loaded later).
 */
export function rememberValidationRules(): void {
  const storage = getMetadataStorage() as ReturnType<typeof getMetadataStorage> & { [RULES_REMEMBERED]?: true };
  if (storage[RULES_REMEMBERED]) return;
  storage[RULES_REMEMBERED] = true;
  const find = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  type Rules = ReturnType<typeof find>;
  let remembered = new WeakMap<object, Map<string, Rules>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = JSON.stringify([schema, always, strictGroups, groups ?? null]);
    let byArguments = remembered.get(target);
    if (!byArguments) remembered.set(target, (byArguments = new Map<string, Rules>()));
    let rules = byArguments.get(key);
    if (!rules) byArguments.set(key, (rules = find(target, schema, always, strictGroups, groups)));
    return rules;
  };
  storage.addValidationMetadata = (metadata) => {
    remembered = new WeakMap();
    add(metadata);
  };
}

/** The one global ValidationPipe: unknown fields are refused, input is transformed to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  rememberValidationRules();
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
