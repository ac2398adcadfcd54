import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_LANGUAGE, Language, languageFromHeader, translate, translateDeep } from '../i18n/i18n';
import { AppError, ErrorBody, errorMessageKey } from './app-error';
import { ErrorCode, httpStatusOf } from './error-codes';

/**
 * Maps any thrown value to the one error shape, its message in the reader's language (codes never
 * change with the language). Used by Nest and by Fastify's own error handler.
 */
export function toErrorBody(
  exception: unknown,
  lang: Language = DEFAULT_LANGUAGE,
): { body: ErrorBody; headers?: Record<string, string> } {
  if (exception instanceof AppError) {
    const body: ErrorBody = {
      statusCode: httpStatusOf(exception.code),
      code: exception.code,
      message: translate(lang, errorMessageKey(exception.code), exception.params),
    };
    if (exception.details !== undefined) body.details = translateDeep(lang, exception.details);
    return { body, headers: exception.headers };
  }
  const message = (code: ErrorCode) => translate(lang, errorMessageKey(code));
  if (exception instanceof ThrottlerException) {
    return { body: { statusCode: 429, code: ErrorCode.RATE_LIMITED, message: message(ErrorCode.RATE_LIMITED) } };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    // Nest turns Fastify's body-parser errors into plain HttpExceptions; keep bad JSON recognisable.
    const code = statusCode === 400 && /JSON/.test(exception.message) ? ErrorCode.INVALID_JSON : codeForStatus(statusCode);
    const body: ErrorBody = { statusCode, code, message: message(code) };
    const response = exception.getResponse();
    // Keep structured payloads (e.g. the health check's per-part status) as details.
    if (typeof response === 'object' && response !== null && !('message' in response)) body.details = response;
    return { body };
  }
  // Errors raised by Fastify itself (bad JSON, body too large, wrong content type).
  const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
    const code = fastifyCode(fastifyError.code) ?? codeForStatus(fastifyError.statusCode);
    return { body: { statusCode: fastifyError.statusCode, code, message: message(code) } };
  }
  const fromDatabase = databaseErrorBody(exception, lang);
  if (fromDatabase) return fromDatabase;
  return { body: { statusCode: 500, code: ErrorCode.INTERNAL_ERROR, message: message(ErrorCode.INTERNAL_ERROR) } };
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
const CONNECTION_MESSAGES =
  /Connection terminated|is not currently accepting connections|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * PostgreSQL errors that are not the server's fault:
 * - the database cannot be reached (connection refused or cut, admin shutdown, too many
 *   connections): 503 DATABASE_UNAVAILABLE with Retry-After, so clients and proxies retry;
 * - a value the database refuses (SQLSTATE class 22 "data exception": out-of-range number, bad
 *   date, NUL byte; 23502 a null where one is required): 400, a safety net behind validation.
 */
export function databaseErrorBody(
  exception: unknown,
  lang: Language = DEFAULT_LANGUAGE,
): { body: ErrorBody; headers?: Record<string, string> } | null {
  const err = exception as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  if (!err || typeof err !== 'object') return null;
  const raw = err.driverError?.code ?? err.code;
  const code = typeof raw === 'string' ? raw : '';
  const message = typeof err.message === 'string' ? err.message : '';
  if (
    CONNECTION_ERRNOS.has(code) ||
    /^08|^57P0[123]$|^53300$/.test(code) ||
    (exception instanceof Error && CONNECTION_MESSAGES.test(message))
  ) {
    return {
      body: {
        statusCode: 503,
        code: ErrorCode.DATABASE_UNAVAILABLE,
        message: translate(lang, errorMessageKey(ErrorCode.DATABASE_UNAVAILABLE)),
      },
      headers: { 'Retry-After': '5' },
    };
  }
  if (/^22[0-9A-Z]{3}$/.test(code) || code === '23502') {
    return {
      body: {
        statusCode: 400,
        code: ErrorCode.VALIDATION_FAILED,
        message: translate(lang, errorMessageKey(ErrorCode.VALIDATION_FAILED), { context: 'database' }),
      },
    };
  }
  return null;
}

function fastifyCode(code?: string): ErrorCode | undefined {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ErrorCode.INVALID_JSON;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    default:
      return undefined;
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400) return ErrorCode.VALIDATION_FAILED;
  if (status === 401) return ErrorCode.UNAUTHENTICATED;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (status === 404) return ErrorCode.ROUTE_NOT_FOUND;
  if (status === 413) return ErrorCode.PAYLOAD_TOO_LARGE;
  if (status === 415) return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status === 503) return ErrorCode.SERVICE_UNAVAILABLE;
  return status < 500 ? ErrorCode.VALIDATION_FAILED : ErrorCode.INTERNAL_ERROR;
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { body, headers } = toErrorBody(exception, languageFromHeader(request.headers['accept-language']));
    if (body.statusCode === 500) {
      // The request id ties this to the access line (the logger has no per-request context).
      const what = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${request.method} ${request.url} (request ${request.id}): ${what}`);
    } else if (
      body.code === (ErrorCode.DATABASE_UNAVAILABLE as string) ||
      (body.statusCode === 400 && databaseErrorBody(exception))
    ) {
      // Not a bug, but worth seeing: an outage, or input that slipped past validation to the database.
      this.logger.warn(exception instanceof Error ? exception.message : String(exception));
    }
    if (headers) void reply.headers(headers);
    void reply.status(body.statusCode).send(body);
  }
}
