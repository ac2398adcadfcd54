import { ErrorCode } from './error-codes';

/**
 * The one exception type domain code throws. Services never throw HTTP exceptions;
 * the global filter turns an AppError into `{ statusCode, code, message, details? }`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After for a locked account. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}
