import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { ApiDoc, AppError, ErrorCode, Public } from '@app/common';
import { AuditTreeService, ConsistencyProof, InclusionProof, SignedTreeHead } from '@app/audit';

class InclusionQueryDto {
  @ApiPropertyOptional({ description: 'Tree size to prove against (default: the newest signed head).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  treeSize?: number;
}

class ConsistencyQueryDto {
  @ApiProperty({ description: 'Size of the earlier head (the one you hold).' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  first: number;

  @ApiProperty({ description: 'Size of the later head.' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  second: number;
}

/**
 * What anyone may use to check the audit log without reading it: the signed tree heads and
 * RFC 6962 proofs (hashes only — no entry's content). A sealed entry not yet released has no
 * proof and answers like an unknown one.
 */
@ApiTags('trust')
@Public()
@Controller({ path: 'audit', version: '1' })
export class AuditProofsController {
  constructor(private readonly tree: AuditTreeService) {}

  @Get('heads/latest')
  @ApiDoc({
    summary: 'Latest signed tree head of the audit log',
    description:
      'The size and Merkle root (RFC 6962) of the audit log as the worker last signed them, with the Ed25519 signature over the canonical JSON of {rootHash, signedAt, treeSize} and the public key. Keep it: a later log that drops, edits or reorders anything before it fails the consistency proof and `verify`.',
    errors: [ErrorCode.NOT_FOUND],
  })
  @ApiOkResponse({ type: SignedTreeHead })
  async getLatestTreeHead() {
    const head = await this.tree.latestHead();
    if (!head) throw new AppError(ErrorCode.NOT_FOUND);
    return head;
  }

  @Get('proofs/consistency')
  @ApiDoc({
    summary: 'Consistency proof between two tree sizes',
    description:
      'RFC 6962 proof that the tree of size `second` extends the tree of size `first`: nothing before `first` was removed, edited or reordered.',
    errors: [ErrorCode.AUDIT_TREE_SIZE_INVALID],
  })
  @ApiOkResponse({ type: ConsistencyProof })
  getConsistencyProof(@Query() query: ConsistencyQueryDto) {
    return this.tree.consistencyProof(query.first, query.second);
  }

  @Get('proofs/:entryId')
  @ApiDoc({
    summary: 'Inclusion proof of an audit entry',
    description:
      'RFC 6962 audit path from the entry’s leaf to the root of the tree of `treeSize` (default: the newest signed head).',
    errors: [ErrorCode.AUDIT_ENTRY_NOT_FOUND, ErrorCode.AUDIT_ENTRY_NOT_IN_TREE, ErrorCode.AUDIT_TREE_SIZE_INVALID],
  })
  @ApiOkResponse({ type: InclusionProof })
  getInclusionProof(@Param('entryId', ParseUUIDPipe) entryId: string, @Query() query: InclusionQueryDto) {
    return this.tree.inclusionProof(entryId, query.treeSize);
  }
}
