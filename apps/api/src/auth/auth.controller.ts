import { Body, Controller, Get, HttpCode, Injectable, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthGuard } from '@nestjs/passport';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AppError, AuthUser, CurrentUser, ErrorCode, Public } from '@app/common';
import { AuthService, LoginDto, RefreshDto, SetPasswordDto, UpdateMeDto, User, UsersService } from '@app/identity';
import { EnterprisesService, RegisterEnterpriseDto } from '@app/enterprises';

/** passport-local, with the one error shape for missing fields. */
@Injectable()
class LocalAuthGuard extends AuthGuard('local') {
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
  constructor(
    private readonly auth: AuthService,
    private readonly enterprises: EnterprisesService,
  ) {}

  /** A firm registers itself and its owner's account; it stays pending until an admin verifies it. */
  @Public()
  @Post('register-enterprise')
  registerEnterprise(@Body() body: RegisterEnterpriseDto) {
    return this.enterprises.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  login(@Body() _body: LoginDto, @CurrentUser() user: unknown) {
    return this.auth.login(user as User);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshDto) {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Public()
  @Post('password-setup')
  @HttpCode(204)
  async setPassword(@Body() body: SetPasswordDto): Promise<void> {
    await this.auth.setPasswordWithToken(body.token, body.password);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller({ path: 'me', version: '1' })
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ description: 'The signed-in user' })
  me(@CurrentUser() user: AuthUser) {
    return this.users.get(user.id);
  }

  /** Change one's own settings: `language` (vi or en) decides the language of notifications and e-mails. */
  @Patch()
  @ApiOkResponse({ description: 'The signed-in user, updated' })
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto) {
    return this.users.updateMe(user, dto);
  }
}
