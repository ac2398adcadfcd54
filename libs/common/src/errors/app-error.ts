import { MessageParams, translate } from '../i18n/i18n';
import { ErrorCode } from './error-codes';

/**
 * The one exception type domain code throws. Services never throw HTTP exceptions;
 * the global filter turns an AppError into `{ statusCode, code, message, details? }`.
 * The message is not written here: it is `errors.<code>` (or `errors.<code>_<context>`) in the
 * translation files, filled with `params` and translated into the caller's language by the filter.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: MessageParams = {},
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After for a locked account. */
    readonly headers?: Record<string, string>,
  ) {
    super(translate('en', errorMessageKey(code), params)); // for logs
    this.name = 'AppError';
  }
}

/** The translation key of an error code's message. */
export const errorMessageKey = (code: ErrorCode): string => `errors.${code}`;

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}
