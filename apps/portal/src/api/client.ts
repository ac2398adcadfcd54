import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import i18n from '../i18n';

export type Schemas = components['schemas'];
export type ErrorBody = Schemas['ErrorBody'];

/** The access token lives in this module's memory only: never in localStorage or a cookie. */
let accessToken: string | null = null;
export function setAccessToken(token: string | null): void {
  accessToken = token;
}
export const getAccessToken = (): string | null => accessToken;

/** Server clock minus browser clock, from each response's Date header; countdowns use server time. */
let clockOffsetMs = 0;
export const serverNow = (): number => Date.now() + clockOffsetMs;

const middleware: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', i18n.language || 'vi');
    if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
    return request;
  },
  onResponse({ response }) {
    const date = response.headers.get('date');
    if (date) clockOffsetMs = Date.parse(date) - Date.now();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(middleware);

/** An API error with its stable code and the message the API wrote in the chosen language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiError carrying the error body. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = (result.error ?? {}) as Partial<ErrorBody>;
    throw new ApiError(result.response.status, body.code ?? 'UNKNOWN', body.message ?? i18n.t('errors.unknown'), body.details);
  }
  return result.data as T;
}
