import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { AuthUser } from './roles';

/**
 * For public routes whose answer depends on who asks (a firm sees its own pending profile).
 * No Authorization header: the caller is the public. A header that does not hold a valid token:
 * 401, so a client with an expired token learns to refresh rather than silently seeing less.
 */
@Injectable()
export class OptionalJwtAuthGuard extends AuthGuard('jwt') {
  override canActivate(context: ExecutionContext) {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (!request.headers.authorization) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthUser>(err: Error | null, user: TUser | false): TUser {
    if (err) throw err;
    if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, { context: 'badToken' });
    return user;
  }
}
