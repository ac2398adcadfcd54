import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, Roles } from '@app/common';
import {
  ChangeEnterpriseStatusDto,
  ClaimView,
  DecideClaimDto,
  EnterpriseClaimsService,
  EnterpriseStatusService,
} from '@app/enterprises';

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
  @ApiOkResponse({ type: [ClaimView] })
  @ApiDoc({
    summary: 'List the claims on an imported firm',
    description: 'Accounts registered with the tax code of a firm the city imported claim its record; oldest first.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  listClaims(@Param('id', ParseUUIDPipe) id: string) {
    return this.claims.list(id);
  }

  /** The claimant becomes the firm's owner; other pending claims on it are rejected. */
  @Post(':id/claims/:claimId/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: ClaimView })
  @ApiDoc({
    summary: 'Approve a claim on an imported firm',
    description:
      'The claimant becomes the firm’s owner and the record becomes the firm’s own; the other pending claims on it are rejected.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.CLAIM_NOT_FOUND, ErrorCode.CLAIM_STATUS_CONFLICT],
  })
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
  @ApiOkResponse({ type: ClaimView })
  @ApiDoc({
    summary: 'Reject a claim on an imported firm',
    description: 'A reason is required; the claimant is told it.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.CLAIM_NOT_FOUND, ErrorCode.CLAIM_STATUS_CONFLICT],
  })
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
  @ApiDoc({
    summary: 'Verify a pending firm',
    description: 'The firm is listed publicly and may bid from the effective date; its members are told by e-mail.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_STATUS_CONFLICT, ErrorCode.EFFECTIVE_DATE_INVALID],
  })
  verifyEnterprise(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeEnterpriseStatusDto,
  ) {
    return this.status.change(actor, id, 'verify', dto);
  }

  /** pending → rejected (reason required) */
  @Post(':id/reject')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Reject a pending registration',
    description: 'Refuses a registration, with a reason; the firm’s members are told by e-mail.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_STATUS_CONFLICT, ErrorCode.EFFECTIVE_DATE_INVALID],
  })
  rejectEnterprise(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeEnterpriseStatusDto,
  ) {
    return this.status.change(actor, id, 'reject', dto);
  }

  /** verified → suspended (reason required) */
  @Post(':id/suspend')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Suspend a verified firm',
    description: 'While suspended the firm is not listed and cannot bid; a reason is required and mailed to its members.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_STATUS_CONFLICT, ErrorCode.EFFECTIVE_DATE_INVALID],
  })
  suspendEnterprise(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeEnterpriseStatusDto,
  ) {
    return this.status.change(actor, id, 'suspend', dto);
  }

  /** suspended → verified */
  @Post(':id/reinstate')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Reinstate a suspended firm',
    description: 'The firm is listed again and may bid from the effective date.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_STATUS_CONFLICT, ErrorCode.EFFECTIVE_DATE_INVALID],
  })
  reinstateEnterprise(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeEnterpriseStatusDto,
  ) {
    return this.status.change(actor, id, 'reinstate', dto);
  }

  /** verified or suspended → ceased (reason required) */
  @Post(':id/cease')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Record that a firm has ceased operating',
    description: 'The firm leaves the directory and the indicator from the effective date.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_STATUS_CONFLICT, ErrorCode.EFFECTIVE_DATE_INVALID],
  })
  ceaseEnterprise(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeEnterpriseStatusDto,
  ) {
    return this.status.change(actor, id, 'cease', dto);
  }
}
