import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '@app/common';

/**
 * The portal's session: the refresh token lives in an HttpOnly, SameSite=Strict cookie scoped to
 * the auth routes (Secure outside localhost), never in script-readable storage. The portal asks
 * for it with the X-Portal-Session: 1 header on login, and must send the same header whenever the
 * cookie is to be used (refresh, logout): a cross-site form cannot set a header, and a cross-site
 * script cannot send one without a CORS preflight the allowlist refuses — the CSRF check.
 * API clients that send no header keep the JSON contract: the refresh token in the body.
 */
export const SESSION_HEADER = 'x-portal-session';
export const REFRESH_COOKIE = 'hpsm_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export class SessionCookie {
  private readonly secure: boolean;

  constructor(
    publicUrl: string,
    private readonly ttlDays: number,
  ) {
    this.secure = !LOCAL_HOSTS.has(new URL(publicUrl).hostname);
  }

  /** The portal asked for (or presents) the cookie session. */
  static requested(request: FastifyRequest): boolean {
    return request.headers[SESSION_HEADER] === '1';
  }

  /**
   * The refresh token for this call: the body's, else the cookie's when the portal header is
   * present. A cookie without the header is refused: that is what a cross-site request looks like.
   */
  static token(request: FastifyRequest, bodyToken: string | undefined): string | undefined {
    if (bodyToken) return bodyToken;
    const header = request.headers.cookie;
    const cookie = header ? request.server.parseCookie(header)[REFRESH_COOKIE] : undefined;
    if (!cookie) return undefined;
    if (!SessionCookie.requested(request)) throw new AppError(ErrorCode.CSRF_CHECK_FAILED);
    return cookie;
  }

  set(reply: FastifyReply, token: string): void {
    this.write(reply, token, { maxAge: this.ttlDays * 86_400 });
  }

  clear(reply: FastifyReply): void {
    this.write(reply, '', { maxAge: 0, expires: new Date(0) });
  }

  /**
   * @fastify/cookie is registered without its hooks (bootstrap.ts): only these routes read or set
   * a cookie, so the others do not pay a parse and a send hook each. Its serializer writes the header.
   */
  private write(reply: FastifyReply, value: string, lifetime: { maxAge: number; expires?: Date }): void {
    const options = { httpOnly: true, sameSite: 'strict', secure: this.secure, path: REFRESH_COOKIE_PATH, ...lifetime } as const;
    void reply.header('set-cookie', reply.server.serializeCookie(REFRESH_COOKIE, value, options));
  }
}
