import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser, Role } from './roles';

export const IS_PUBLIC_KEY = 'isPublic';
export const ROLES_KEY = 'roles';

/** Marks a route as reachable without logging in. Everything else needs a valid access token. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** Restricts a route (or a whole controller) to these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** Where the request hook leaves the moment a request had fully arrived (performance.now()). */
export const RECEIVED_MARK = Symbol('receivedMark');

/**
 * The moment the whole request had arrived, on this process's monotonic clock (the API's
 * preValidation hook sets it once the body is parsed). Deadline checks turn it into database
 * time by subtracting the wait since then from the database clock, so a request that queued
 * (pool, locks) is judged by when it arrived, not when its turn came.
 */
export const ReceivedMark = createParamDecorator((_data: unknown, ctx: ExecutionContext): number => {
  const request = ctx.switchToHttp().getRequest<{ [RECEIVED_MARK]?: number }>();
  return request[RECEIVED_MARK] ?? performance.now();
});
