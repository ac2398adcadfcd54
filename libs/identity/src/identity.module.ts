import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '@app/common';
import { MailModule } from '@app/mail';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { DepartmentsService } from './departments.service';
import { AccountMailer } from './account-mailer.service';
import { JwtStrategy, LocalStrategy } from './strategies';

@Module({
  imports: [
    PassportModule,
    MailModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.get('JWT_SECRET'),
        signOptions: { algorithm: 'HS256', issuer: 'haiphong-marketplace' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'haiphong-marketplace' },
      }),
    }),
  ],
  providers: [AuthService, UsersService, DepartmentsService, AccountMailer, LocalStrategy, JwtStrategy],
  exports: [AuthService, UsersService, DepartmentsService, AccountMailer],
})
export class IdentityModule {}
