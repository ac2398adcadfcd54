import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { UserView } from '@app/identity';
import {
  ApiDoc,
  AuthUser,
  CurrentUser,
  ErrorCode,
  Language,
  PageOf,
  PageQueryDto,
  Public,
  RequestLanguage,
  Roles,
} from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import {
  AddEnterpriseMemberDto,
  EnterprisesService,
  EnterpriseSummary,
  ListEnterprisesQueryDto,
  MemberInvitationsService,
  MemberInvitationView,
  StatusHistoryView,
  UpdateEnterpriseDto,
} from '@app/enterprises';

@ApiTags('enterprises')
@Controller({ path: 'enterprises', version: '1' })
export class EnterprisesController {
  constructor(
    private readonly enterprises: EnterprisesService,
    private readonly invitations: MemberInvitationsService,
  ) {}

  /** The directory: verified firms; admins may ask for another status. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get()
  @ApiDoc({
    summary: 'Search the enterprise directory',
    description: 'Verified firms, searchable by name, sector and area. Administrators may also list firms in other states.',
    errors: [ErrorCode.INVALID_CURSOR, ErrorCode.ROLE_FORBIDDEN],
  })
  @ApiOkResponse({ type: PageOf(EnterpriseSummary) })
  listEnterprises(@CurrentUser() viewer: AuthUser | undefined, @Query() query: ListEnterprisesQueryDto) {
    return this.enterprises.list(viewer, query);
  }

  /** Public for verified firms; otherwise only the firm itself, officers and admins see it. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':id')
  @ApiDoc({
    summary: 'Read a firm’s profile',
    description: 'A verified firm’s public profile; the firm’s own members and staff also see firms in other states.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  getEnterprise(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.enterprises.get(viewer, id);
  }

  /** The firm's owner or an admin. */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Patch(':id')
  @ApiDoc({
    summary: 'Edit a firm’s profile',
    description: 'The firm’s owner (or an administrator) edits its profile; a move of head office is dated.',
    errors: [
      ErrorCode.ENTERPRISE_NOT_FOUND,
      ErrorCode.ENTERPRISE_FORBIDDEN,
      ErrorCode.AREA_CODE_INVALID,
      ErrorCode.EFFECTIVE_DATE_INVALID,
    ],
  })
  updateEnterprise(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateEnterpriseDto) {
    return this.enterprises.update(actor, id, dto);
  }

  /** The dated status changes: the firm's members, officers and admins. */
  @ApiBearerAuth()
  @Roles('enterprise', 'officer', 'admin')
  @Get(':id/history')
  @ApiDoc({
    summary: 'List a firm’s status history',
    description: 'Every dated decision about the firm (registration, verification, suspension …), for the firm itself and staff.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_FORBIDDEN, ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(StatusHistoryView) })
  listEnterpriseStatusHistory(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.enterprises.history(actor, id, query);
  }

  /** The firm's accounts: its members and admins. */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Get(':id/members')
  @ApiDoc({
    summary: 'List a firm’s members',
    description: 'The accounts of the firm’s people, for its members and administrators.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_FORBIDDEN, ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(UserView) })
  listEnterpriseMembers(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto) {
    return this.enterprises.members(actor, id, query);
  }

  /**
   * The firm's owner (or an admin) invites a colleague by e-mail. The answer and the pending list are
   * the same whether or not the address has an account; the invitee's mail says which.
   */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Post(':id/members')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Invite a colleague to a firm',
    description:
      'The owner invites a colleague by e-mail. The invitee is mailed a link to choose a password and join (`POST /auth/invitations/accept`); an address that already has an account is told instead that it cannot join. The answer is the same in both cases, so it never tells whether an address has an account.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_FORBIDDEN],
  })
  inviteEnterpriseMember(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddEnterpriseMemberDto,
    @RequestLanguage() language: Language,
  ) {
    return this.invitations.invite(actor, id, dto, language);
  }

  /** Invitations sent and not yet accepted (nor expired). */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Get(':id/invitations')
  @ApiDoc({
    summary: 'List a firm’s pending invitations',
    description: 'Invitations not yet accepted and not expired, for the firm’s owner and administrators.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_FORBIDDEN],
  })
  @ApiOkResponse({ type: [MemberInvitationView] })
  listEnterpriseInvitations(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.invitations.pending(actor, id);
  }
}
