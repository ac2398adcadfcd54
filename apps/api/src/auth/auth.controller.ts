import { Body, Controller, ExecutionContext, Get, HttpCode, Injectable, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AuthGuard } from '@nestjs/passport';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ApiDoc,
  AppConfig,
  AppError,
  AuthUser,
  createValidationPipe,
  CurrentUser,
  ErrorCode,
  Language,
  Public,
  RequestLanguage,
} from '@app/common';
import { AuthService, LoginDto, RefreshDto, SetPasswordDto, TokenPair, UpdateMeDto, User, UsersService } from '@app/identity';
import {
  ConfirmRegistrationDto,
  EnterpriseRegistrationService,
  MemberInvitationsService,
  RegisterEnterpriseDto,
} from '@app/enterprises';
import { SessionCookie } from './session-cookie';

/**
 * passport-local, with the one error shape for missing fields. Guards run before pipes, so the
 * body is validated against LoginDto here first: unknown fields and wrong types are a 400 before
 * any password work (passport would otherwise hand `{"password":123}` to argon2).
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = createValidationPipe();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ body: unknown }>();
    await this.validation.transform(request.body ?? {}, { type: 'body', metatype: LoginDto });
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser = User>(err: unknown, user: TUser | false): TUser {
    if (err instanceof Error) throw err;
    if (!user) throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'credentials' });
    return user;
  }
}

@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
// Per-IP rate limit (AUTH_RATE_LIMIT per AUTH_RATE_TTL_SECONDS) on the auth routes only.
@UseGuards(ThrottlerGuard)
export class AuthController {
  private readonly cookie: SessionCookie;

  constructor(
    private readonly auth: AuthService,
    private readonly registrations: EnterpriseRegistrationService,
    private readonly invitations: MemberInvitationsService,
    config: AppConfig,
  ) {
    this.cookie = new SessionCookie(config.get('PUBLIC_URL'), config.get('REFRESH_TOKEN_TTL_DAYS'));
  }

  /** With X-Portal-Session: 1 the refresh token goes into the HttpOnly cookie and out of the body. */
  private answer(request: FastifyRequest, reply: FastifyReply, pair: TokenPair): TokenPair {
    if (!SessionCookie.requested(request) || !pair.refreshToken) return pair;
    this.cookie.set(reply, pair.refreshToken);
    return { accessToken: pair.accessToken, expiresIn: pair.expiresIn, user: pair.user };
  }

  /**
   * A firm registers itself and its owner's account in two steps: this answer is the same whether or
   * not the address already has an account (only the mailbox learns which); the mailed link confirms.
   */
  @Public()
  @Post('register-enterprise')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Ask to register a firm and its owner account',
    description:
      'Checks the firm’s details and mails the address given: a link that confirms the registration, or — when the address already has an account — a notice to its holder. The answer is the same in both cases, so it never tells whether an address has an account. Nothing is registered until the link is opened (`POST /auth/register-enterprise/confirm`).',
    errors: [ErrorCode.TAX_CODE_INVALID, ErrorCode.TAX_CODE_TAKEN, ErrorCode.AREA_CODE_INVALID, ErrorCode.PASSWORD_TOO_WEAK],
  })
  registerEnterprise(@Body() body: RegisterEnterpriseDto, @RequestLanguage() language: Language) {
    return this.registrations.request(body, language);
  }

  /** The link from the registration mail: the firm (pending verification) and its owner account are created. */
  @Public()
  @Post('register-enterprise/confirm')
  @ApiDoc({
    summary: 'Confirm a firm’s registration with the mailed link',
    description:
      'The one-time token from the registration e-mail creates the firm (pending until an administrator verifies it) and its owner account, who can then sign in. With the tax code of a firm the city imported, a claim on it is filed instead.',
    errors: [ErrorCode.REGISTRATION_LINK_INVALID, ErrorCode.TAX_CODE_TAKEN, ErrorCode.EMAIL_TAKEN],
  })
  confirmRegistration(@Body() body: ConfirmRegistrationDto) {
    return this.registrations.confirm(body.token);
  }

  /** The link from an invitation mail: the invitee chooses a password and joins the firm. */
  @Public()
  @Post('invitations/accept')
  @ApiDoc({
    summary: 'Accept an invitation to join a firm',
    description:
      'The one-time token from the invitation e-mail and a chosen password create the invitee’s account as a member of the firm; they can then sign in.',
    errors: [ErrorCode.INVITATION_LINK_INVALID, ErrorCode.PASSWORD_TOO_WEAK, ErrorCode.EMAIL_TAKEN],
  })
  acceptInvitation(@Body() body: SetPasswordDto) {
    return this.invitations.accept(body.token, body.password);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiDoc({
    summary: 'Sign in with e-mail and password',
    description:
      'Answers an access token and a refresh token. With the header `X-Portal-Session: 1` (the portal) the refresh token is set as an HttpOnly, SameSite=Strict cookie on /api/v1/auth instead of being returned. Repeated failures lock the account for a growing time.',
    errors: [ErrorCode.INVALID_CREDENTIALS, ErrorCode.ACCOUNT_LOCKED, ErrorCode.ACCOUNT_DISABLED],
  })
  async login(
    @Body() _body: LoginDto,
    @CurrentUser() user: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPair> {
    return this.answer(request, reply, await this.auth.login(user as User));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Exchange a refresh token for new tokens',
    description:
      'Each refresh token works once; reusing one revokes every session descended from it. The token comes from the body, or from the session cookie when the request carries `X-Portal-Session: 1`; a cookie without that header is refused (CSRF).',
    errors: [
      ErrorCode.REFRESH_TOKEN_INVALID,
      ErrorCode.REFRESH_TOKEN_REUSED,
      ErrorCode.ACCOUNT_DISABLED,
      ErrorCode.CSRF_CHECK_FAILED,
    ],
  })
  async refreshTokens(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPair> {
    const token = SessionCookie.token(request, body.refreshToken);
    if (!token) throw new AppError(ErrorCode.REFRESH_TOKEN_INVALID);
    try {
      return this.answer(request, reply, await this.auth.refresh(token));
    } catch (err) {
      // A dead cookie is dropped, so the browser stops presenting it.
      if (!body.refreshToken) this.cookie.clear(reply);
      throw err;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Sign out',
    description:
      'Revokes the given refresh token (from the body, or the session cookie with `X-Portal-Session: 1`) and clears the cookie. Answers 204 whether or not it was still valid.',
    errors: [ErrorCode.CSRF_CHECK_FAILED],
  })
  @ApiNoContentResponse()
  async logout(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const token = SessionCookie.token(request, body.refreshToken);
    if (SessionCookie.requested(request)) this.cookie.clear(reply);
    if (token) await this.auth.logout(token);
  }

  @Public()
  @Post('password-setup')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Choose a password with the e-mailed link',
    description: 'The one-time token from the account e-mail sets the first password; it works once and expires.',
    errors: [ErrorCode.PASSWORD_SETUP_TOKEN_INVALID, ErrorCode.PASSWORD_TOO_WEAK],
  })
  @ApiNoContentResponse()
  async setPasswordWithToken(@Body() body: SetPasswordDto): Promise<void> {
    await this.auth.setPasswordWithToken(body.token, body.password);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller({ path: 'me', version: '1' })
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiDoc({
    summary: 'Read the signed-in user',
    description: 'The signed-in user’s account, including the language of their notifications and e-mails.',
    errors: [],
  })
  getMe(@CurrentUser() user: AuthUser) {
    return this.users.get(user.id);
  }

  /** Change one's own settings: `language` (vi or en) decides the language of notifications and e-mails. */
  @Patch()
  @ApiDoc({
    summary: 'Change the signed-in user’s settings',
    description:
      'Sets `language` (vi or en): the language of the user’s notifications and e-mails. Nothing else about the account can be changed here.',
    errors: [],
  })
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto) {
    return this.users.updateMe(user, dto);
  }
}
