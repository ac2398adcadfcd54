import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { LRUCache } from 'lru-cache';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { Strategy as LocalStrategyBase } from 'passport-local';
import { AppConfig, AuthUser } from '@app/common';
import { AccessTokenPayload, accessTokenKey, AuthService, User } from '@app/identity';

@Injectable()
export class LocalStrategy extends PassportStrategy(LocalStrategyBase, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  validate(email: string, password: string): Promise<User> {
    return this.auth.validateCredentials(email, password);
  }
}

/** The access token's own claims beside ours: `exp` (seconds since the epoch) is always set. */
type VerifiedPayload = AccessTokenPayload & { exp: number };

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

@Injectable()
export class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  /**
   * Tokens that passed passport-jwt's whole check (signature, algorithm, issuer, expiry), kept until
   * they expire: a client sends the same token with every request, and checking it again cost more
   * than the lookup of its user, which still runs on every request (a disabled account is refused at
   * once). Only the signing secret decides what enters; it does not change while the API runs.
   */
  private readonly verified = new LRUCache<string, VerifiedPayload>({ max: 4096 });

  constructor(
    config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: bearerToken,
      // A key object (see accessTokenKey); passport-jwt's types say string | Buffer, jsonwebtoken takes either.
      secretOrKey: accessTokenKey(config.get('JWT_SECRET')) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: 'haiphong-marketplace',
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  override authenticate(req: Parameters<JwtStrategyBase['authenticate']>[0], options?: object): void {
    const token = bearerToken(req);
    const payload = token ? this.verified.get(token) : undefined;
    if (!payload) return super.authenticate(req, options);
    this.validate(req, payload).then(
      (user) => (user ? this.success(user) : this.fail(401)),
      (err: unknown) => this.error(err as Error),
    );
  }

  validate(req: Parameters<JwtStrategyBase['authenticate']>[0], payload: VerifiedPayload): Promise<AuthUser | null> {
    const token = bearerToken(req);
    // Expired the second jsonwebtoken would refuse it (now >= exp).
    const ttl = payload.exp * 1000 - Date.now();
    if (token && ttl > 0 && !this.verified.has(token)) this.verified.set(token, Object.freeze(payload), { ttl });
    return this.auth.userForAccessToken(payload);
  }
}
