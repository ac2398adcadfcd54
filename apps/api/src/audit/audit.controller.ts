import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsHexadecimal, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { ApiDoc, cityIso, ErrorCode, PageOf, PageQueryDto, Roles } from '@app/common';
import { AuditEntryView, AuditService, ChainedEntry, ChainVerification } from '@app/audit';

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

class VerifyQueryDto {
  @ApiPropertyOptional({
    description:
      'Start from the signed head of this size (a checkpoint) instead of the first entry: only later entries are rehashed.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from?: number;

  @ApiPropertyOptional({ description: 'Size of a signed tree head you hold; with rootHash, the log is checked against it too.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  treeSize?: number;

  @ApiPropertyOptional({ description: 'Root hash of the head you hold (64 hex characters).' })
  @IsOptional()
  @IsHexadecimal()
  @Length(64, 64)
  rootHash?: string;
}

function view(e: ChainedEntry): AuditEntryView {
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
    treeIndex: e.treeIndex,
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

  /**
   * Rehashes the log into its chain and Merkle tree and checks them against the newest signed head
   * and, if given, a head the caller holds; from a checkpoint only the newer entries are rehashed.
   */
  @Get('verify')
  @ApiDoc({
    summary: 'Verify the audit log',
    description:
      'Rehashes every entry (or, with `from`, every entry after that signed checkpoint) into the chain and the Merkle tree, names the first entry that does not hold, and checks the newest signed tree head and the one given by `treeSize` + `rootHash`: an edited, reordered or deleted entry, or a log shorter than a published head, makes `valid` false.',
    errors: [ErrorCode.AUDIT_CHECKPOINT_NOT_FOUND],
  })
  @ApiOkResponse({ type: ChainVerification })
  verifyAuditChain(@Query() query: VerifyQueryDto) {
    const given =
      query.treeSize && query.rootHash ? { treeSize: query.treeSize, rootHash: query.rootHash.toLowerCase() } : undefined;
    return this.audit.verify({ from: query.from, given });
  }
}
