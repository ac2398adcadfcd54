/**
 * Stable, machine-readable error codes. Clients branch on these; never rename one.
 * The HTTP status of each lives in one place: httpStatusOf() below.
 */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  INVALID_JSON = 'INVALID_JSON',
  INVALID_CURSOR = 'INVALID_CURSOR',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ACCOUNT_LOCKED = 'ACCOUNT_LOCKED',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
  REFRESH_TOKEN_INVALID = 'REFRESH_TOKEN_INVALID',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  PASSWORD_SETUP_TOKEN_INVALID = 'PASSWORD_SETUP_TOKEN_INVALID',
  FORBIDDEN = 'FORBIDDEN',
  ROLE_FORBIDDEN = 'ROLE_FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  DEPARTMENT_NOT_FOUND = 'DEPARTMENT_NOT_FOUND',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  DEPARTMENT_CODE_TAKEN = 'DEPARTMENT_CODE_TAKEN',
  DEPARTMENT_REQUIRED = 'DEPARTMENT_REQUIRED',
  ROLE_NOT_ASSIGNABLE = 'ROLE_NOT_ASSIGNABLE',
  CANNOT_DISABLE_SELF = 'CANNOT_DISABLE_SELF',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

/** The one mapping from error code to HTTP status. The switch is exhaustive on purpose. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.VALIDATION_FAILED:
    case ErrorCode.INVALID_JSON:
    case ErrorCode.INVALID_CURSOR:
    case ErrorCode.DEPARTMENT_REQUIRED:
    case ErrorCode.ROLE_NOT_ASSIGNABLE:
    case ErrorCode.CANNOT_DISABLE_SELF:
      return 400;
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.INVALID_CREDENTIALS:
    case ErrorCode.ACCOUNT_DISABLED:
    case ErrorCode.REFRESH_TOKEN_INVALID:
    case ErrorCode.REFRESH_TOKEN_REUSED:
    case ErrorCode.PASSWORD_SETUP_TOKEN_INVALID:
      return 401;
    case ErrorCode.FORBIDDEN:
    case ErrorCode.ROLE_FORBIDDEN:
      return 403;
    case ErrorCode.NOT_FOUND:
    case ErrorCode.ROUTE_NOT_FOUND:
    case ErrorCode.USER_NOT_FOUND:
    case ErrorCode.DEPARTMENT_NOT_FOUND:
      return 404;
    case ErrorCode.EMAIL_TAKEN:
    case ErrorCode.DEPARTMENT_CODE_TAKEN:
      return 409;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case ErrorCode.ACCOUNT_LOCKED:
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.SERVICE_UNAVAILABLE:
      return 503;
    case ErrorCode.INTERNAL_ERROR:
      return 500;
    default: {
      const unreachable: never = code;
      throw new Error(`Unmapped error code ${String(unreachable)}`);
    }
  }
}
