import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ErrorCode } from '../errors/error-codes';

export const API_ERRORS_KEY = 'api:errors';

export interface ApiDocOptions {
  /** One line: what the operation does. */
  summary: string;
  /** Who may call it and what it answers; the error codes are appended to it from `errors`. */
  description: string;
  /**
   * The operation's own error codes. The ones every such operation shares are added when the
   * document is built: VALIDATION_FAILED for input, UNAUTHENTICATED for signed-in routes,
   * ROLE_FORBIDDEN for role-bound ones, RATE_LIMITED for throttled ones.
   */
  errors?: ErrorCode[];
}

/** An operation's documentation: summary, description and the error codes it can answer with. */
export function ApiDoc(options: ApiDocOptions): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    SetMetadata(API_ERRORS_KEY, options.errors ?? []),
  );
}
