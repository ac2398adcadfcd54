import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiDoc, cityIso, ErrorCode, PageOf, PageQueryDto, Roles } from '@app/common';
import { AuditEntry, AuditEntryView, AuditService } from '@app/audit';

class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'user.created' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

function view(e: AuditEntry): AuditEntryView {
  return {
    seq: Number(e.seq),
    id: e.id,
    occurredAt: cityIso(e.occurredAt),
    actorId: e.actorId,
    actorRole: e.actorRole,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before,
    after: e.after,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

@ApiTags('trust')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'audit', version: '1' })
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiDoc({
    summary: 'List audit log entries',
    description: 'The append-only, hash-chained record of every state change, newest first, filterable by entity and action.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(AuditEntryView) })
  async listAuditEntries(@Query() query: AuditQueryDto) {
    const page = await this.audit.list(query);
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  /** Recomputes every hash in order; names the first entry that does not hold. */
  @Get('verify')
  @ApiDoc({
    summary: 'Verify the audit hash chain',
    description: 'Recomputes every hash in order and names the first entry that does not hold, if any.',
    errors: [],
  })
  verifyAuditChain() {
    return this.audit.verify();
  }
}
