import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/common';
import { accessTokenKey } from './tokens';
import { MailModule } from '@app/mail';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { DepartmentsService } from './departments.service';
import { AccountMailer } from './account-mailer.service';

// Accounts, tokens and departments. The passport strategies that read a request's credentials are
// HTTP-only and registered by apps/api (apps/api/src/auth/strategies.ts), so the worker never loads them.
@Module({
  imports: [
    MailModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // One HMAC key both ways (HS256): @nestjs/jwt signs with privateKey and verifies with publicKey.
        const key = accessTokenKey(config.get('JWT_SECRET'));
        return {
          privateKey: key,
          publicKey: key,
          signOptions: { algorithm: 'HS256', issuer: 'haiphong-marketplace' },
          verifyOptions: { algorithms: ['HS256'], issuer: 'haiphong-marketplace' },
        };
      },
    }),
  ],
  providers: [AuthService, UsersService, DepartmentsService, AccountMailer],
  exports: [AuthService, UsersService, DepartmentsService, AccountMailer],
})
export class IdentityModule {}
