import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, Roles } from '@app/common';
import { ChangeEnterpriseStatusDto, EnterpriseStatusService } from '@app/enterprises';

/** The registry decisions, each dated (effectiveDate) and kept in the firm's history. Admins only. */
@ApiTags('enterprises')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'enterprises', version: '1' })
export class EnterpriseStatusController {
  constructor(private readonly status: EnterpriseStatusService) {}

  /** pending → verified */
  @Post(':id/verify')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Verify a pending firm',
    description: 'The firm is listed publicly and may bid from the effective date; its members are told by e-mail.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.ENTERPRISE_STATUS_CONFLICT, ErrorCode.EFFECTIVE_DATE_INVALID],
  })
  verifyEnterprise(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
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
  rejectEnterprise(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
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
  suspendEnterprise(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
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
  reinstateEnterprise(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
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
  ceaseEnterprise(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeEnterpriseStatusDto) {
    return this.status.change(actor, id, 'cease', dto);
  }
}
