import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@app/common';
import { ChangeEnterpriseStatusDto, DecideClaimDto, EnterpriseClaimsService, EnterpriseStatusService } from '@app/enterprises';

/** The registry decisions, each dated (effectiveDate) and kept in the firm's history. Admins only. */
@ApiTags('enterprises')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'enterprises', version: '1' })
export class EnterpriseStatusController {
  constructor(
    private readonly status: EnterpriseStatusService,
    private readonly claims: EnterpriseClaimsService,
  ) {}

  /** Claims on an imported firm by accounts registered with its tax code. */
  @Get(':id/claims')
  @ApiOkResponse({ description: '[{id, enterpriseId, user:{id, email, fullName}, status, reason, createdAt, decidedAt}]' })
  listClaims(@Param('id', ParseUUIDPipe) id: string) {
    return this.claims.list(id);
  }

  /** The claimant becomes the firm's owner; other pending claims on it are rejected. */
  @Post(':id/claims/:claimId/approve')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The claim, approved; 409 CLAIM_STATUS_CONFLICT when already decided or the firm is claimed' })
  approveClaim(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('claimId', ParseUUIDPipe) claimId: string,
    @Body() dto: DecideClaimDto,
  ) {
    return this.claims.decide(actor, id, claimId, true, dto.reason);
  }

  @Post(':id/claims/:claimId/reject')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The claim, rejected (reason required)' })
  rejectClaim(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('claimId', ParseUUIDPipe) claimId: string,
    @Body() dto: DecideClaimDto,
  ) {
    return this.claims.decide(actor, id, claimId, false, dto.reason);
  }

  /** pending → verified */
  @Post(':id/verify')
  @HttpCode(200)
  verify(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
    return this.status.change(actor, id, 'verify', dto);
  }

  /** pending → rejected (reason required) */
  @Post(':id/reject')
  @HttpCode(200)
  reject(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
    return this.status.change(actor, id, 'reject', dto);
  }

  /** verified → suspended (reason required) */
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
    return this.status.change(actor, id, 'suspend', dto);
  }

  /** suspended → verified */
  @Post(':id/reinstate')
  @HttpCode(200)
  reinstate(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
    return this.status.change(actor, id, 'reinstate', dto);
  }

  /** verified or suspended → ceased (reason required) */
  @Post(':id/cease')
  @HttpCode(200)
  cease(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
    return this.status.change(actor, id, 'cease', dto);
  }
}
