import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AuthUser, CurrentUser, Language, PageQueryDto, RequestLanguage, Roles } from '@app/common';
import { Outcome, ProposalsService, SubmissionResult, SubmitProposalDto } from '@app/proposals';
import { AwardService } from '@app/evaluation';
import { readSingleFile } from './multipart-upload';

const RECEIPT_HASH =
  'receipt.sha256 = SHA-256 (hex) of canonical JSON (keys sorted, no whitespace) of ' +
  '{approach, solution, plan, team, price, durationMonths, references, attachments}: texts NFC-normalised and trimmed, ' +
  'references [] when none (strings or {title, url}), attachments [{id, sha256}] in the order of attachmentIds ' +
  '(sha256 of the file bytes, as returned by the upload). GET /proposals/:id returns that object as `content`. ' +
  'submittedAt is the database time of the version, ISO 8601 in Asia/Ho_Chi_Minh.';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    '1–200 visible ASCII characters. Same key and body → the stored answer, no new version; same key, other body → 422.',
};

const SEALED_NOTE =
  'Before the deadline (database clock) only the submitting firm can read; everyone else gets 403 PROPOSAL_SEALED or 404.';

@ApiTags('proposals')
@ApiBearerAuth()
@Controller({ version: '1' })
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly config: AppConfig,
    private readonly award: AwardService,
  ) {}

  @Post('problems/:id/proposals')
  @Roles('enterprise')
  @ApiOperation({ summary: 'Submit a sealed proposal (verified firms, before the deadline)', description: RECEIPT_HASH })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async submit(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Body() dto: SubmitProposalDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubmissionResult> {
    return send(reply, await this.proposals.submit(user, problemId, dto, idempotencyKey));
  }

  @Put('proposals/:id')
  @Roles('enterprise')
  @ApiOperation({ summary: 'Revise: a new version, the latest counts (before the deadline)', description: RECEIPT_HASH })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async revise(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @Body() dto: SubmitProposalDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubmissionResult> {
    return send(reply, await this.proposals.revise(user, proposalId, dto, idempotencyKey));
  }

  @Post('proposals/:id/withdraw')
  @Roles('enterprise')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw (before the deadline); the firm may then submit anew' })
  withdraw(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) proposalId: string) {
    return this.proposals.withdraw(user, proposalId);
  }

  @Get('proposals/:id')
  @ApiOperation({
    summary: 'Read a proposal, decrypted',
    description:
      `${SEALED_NOTE} After it: the department's officers, admins, and panel members who declared no conflict with the firm. ` +
      'Once an outcome is decided, the firm also gets `evaluation`: its own per-criterion scores, comments and rank ' +
      '(evaluators shown anonymously as "Chuyên gia 1, 2, …", or "Expert 1, 2, …" with `Accept-Language: en`).',
  })
  async get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) proposalId: string, @RequestLanguage() lang: Language) {
    const view = await this.proposals.get(user, proposalId);
    // Only the firm itself gets here with role 'enterprise' (another firm's proposal is a 404).
    if (user.role !== 'enterprise') return view;
    return { ...view, evaluation: await this.award.bidderEvaluation(proposalId, lang) };
  }

  @Get('proposals/:id/receipt')
  @ApiOperation({ summary: 'Receipts of every version', description: RECEIPT_HASH })
  receipt(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) proposalId: string) {
    return this.proposals.receipts(user, proposalId);
  }

  @Get('problems/:id/proposals')
  @ApiOperation({ summary: "A problem's proposals", description: `A firm sees its own. ${SEALED_NOTE}` })
  list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) problemId: string, @Query() query: PageQueryDto) {
    return this.proposals.listForProblem(user, problemId, query);
  }

  @Get('me/proposals')
  @Roles('enterprise')
  @ApiOperation({ summary: "The firm's own proposals, all problems" })
  mine(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.proposals.listMine(user, query);
  }

  @Post('problems/:id/attachments')
  @Roles('enterprise')
  @ApiOperation({
    summary: 'Upload an attachment for a later submission (verified firms, before the deadline)',
    description: 'PDF, DOCX, XLSX, ZIP, PNG or JPEG, recognised by content; at most ATTACHMENT_MAX_BYTES. Stored encrypted.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  async upload(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) problemId: string, @Req() request: FastifyRequest) {
    const file = await readSingleFile(request, this.config.get('ATTACHMENT_MAX_BYTES'));
    return this.proposals.uploadAttachment(user, problemId, file);
  }

  @Get('proposals/:id/attachments/:attachmentId')
  @ApiOperation({ summary: 'Download an attachment, decrypted', description: SEALED_NOTE })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @Param('attachmentId', ParseUUIDPipe) attachmentId: string,
  ): Promise<StreamableFile> {
    const file = await this.proposals.downloadAttachment(user, proposalId, attachmentId);
    return new StreamableFile(file.bytes, {
      type: file.mediaType,
      disposition: contentDisposition(file.fileName),
      length: file.bytes.length,
    });
  }
}

function send<T extends object>(reply: FastifyReply, outcome: Outcome<T>): T {
  void reply.status(outcome.status);
  if (outcome.replayed) void reply.header('Idempotent-Replayed', 'true');
  return outcome.body;
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name (Vietnamese file names survive). */
function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
