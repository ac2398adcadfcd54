import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
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

@Injectable()
export class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object (see accessTokenKey); passport-jwt's types say string | Buffer, jsonwebtoken takes either.
      secretOrKey: accessTokenKey(config.get('JWT_SECRET')) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: 'haiphong-marketplace',
      ignoreExpiration: false,
    });
  }

  validate(payload: AccessTokenPayload): Promise<AuthUser | null> {
    return this.auth.userForAccessToken(payload);
  }
}
