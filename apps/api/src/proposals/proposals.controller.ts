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
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiDoc,
  AppConfig,
  AuthUser,
  CurrentUser,
  ErrorCode,
  Language,
  PageOf,
  PageQueryDto,
  ReceivedMark,
  RequestLanguage,
  Roles,
} from '@app/common';
import {
  ConfirmationReceipt,
  ConfirmProposalDto,
  Outcome,
  ProposalAttachmentsService,
  ProposalReadingService,
  ProposalSubmissionsService,
  ProposalSummary,
  SubmissionResult,
  SubmitProposalDto,
} from '@app/proposals';
import { AwardService, OwnProposalView } from '@app/evaluation';
import { contentDisposition, readSingleFile } from './multipart-upload';

const RECEIPT_HASH =
  'receipt.sha256 = SHA-256 (hex) of canonical JSON (keys sorted, no whitespace) of ' +
  '{approach, solution, plan, team, price, durationMonths, references, attachments}: texts NFC-normalised and trimmed, ' +
  'references [] when none (strings or {title, url}), attachments [{id, sha256}] in the order of attachmentIds ' +
  '(sha256 of the file bytes, as returned by the upload). GET /proposals/:id returns that object as `content`. ' +
  'submittedAt is when the server received the version by the database clock (ISO 8601, Asia/Ho_Chi_Minh): a version ' +
  'received before the deadline counts if it commits within the grace after it (PROPOSAL_RECEIPT_GRACE_SECONDS); the ' +
  'proposals open to the department only after deadline + grace. amendmentNumber: the amendment in force when submitted.';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    '1–200 visible ASCII characters. Same key and body → the stored answer, no new version; same key, other body → 422.',
};

const SEALED_NOTE =
  'Before the deadline + the commit grace (database clock) only the submitting firm can read; everyone else gets 403 PROPOSAL_SEALED or 404.';

@ApiTags('proposals')
@ApiBearerAuth()
@Controller({ version: '1' })
export class ProposalsController {
  constructor(
    private readonly submissions: ProposalSubmissionsService,
    private readonly reading: ProposalReadingService,
    private readonly attachments: ProposalAttachmentsService,
    private readonly config: AppConfig,
    private readonly award: AwardService,
  ) {}

  @Post('problems/:id/proposals')
  @Roles('enterprise')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiDoc({
    summary: 'Submit a sealed proposal',
    description: `Verified firms, before the deadline (database clock); on a mini-competition only its listed catalogue firms. Answers a receipt. ${RECEIPT_HASH}`,
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_NOT_OPEN,
      ErrorCode.PROPOSAL_DEADLINE_PASSED,
      ErrorCode.PROPOSAL_EXISTS,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      ErrorCode.NOT_INVITED_TO_BID,
      ErrorCode.ENTERPRISE_NOT_FOUND,
      ErrorCode.ATTACHMENT_NOT_FOUND,
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
    ],
  })
  async submitProposal(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Body() dto: SubmitProposalDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ReceivedMark() receivedMark: number,
  ): Promise<SubmissionResult> {
    return send(reply, await this.submissions.submit(user, problemId, dto, idempotencyKey, receivedMark));
  }

  @Put('proposals/:id')
  @Roles('enterprise')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiDoc({
    summary: 'Revise a proposal',
    description: `A new version; the latest before the deadline counts. ${RECEIPT_HASH}`,
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.PROPOSAL_WITHDRAWN,
      ErrorCode.PROBLEM_NOT_OPEN,
      ErrorCode.PROPOSAL_DEADLINE_PASSED,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      ErrorCode.ATTACHMENT_NOT_FOUND,
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
    ],
  })
  async reviseProposal(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @Body() dto: SubmitProposalDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ReceivedMark() receivedMark: number,
  ): Promise<SubmissionResult> {
    return send(reply, await this.submissions.revise(user, proposalId, dto, idempotencyKey, receivedMark));
  }

  @Post('proposals/:id/withdraw')
  @Roles('enterprise')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Withdraw a proposal',
    description: 'Before the deadline; the firm may then submit anew.',
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.PROPOSAL_WITHDRAWN,
      ErrorCode.PROPOSAL_DEADLINE_PASSED,
      ErrorCode.PROBLEM_NOT_OPEN,
    ],
  })
  withdrawProposal(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @ReceivedMark() receivedMark: number,
  ) {
    return this.submissions.withdraw(user, proposalId, receivedMark);
  }

  @Post('proposals/:id/confirm')
  @Roles('enterprise')
  @HttpCode(200)
  @ApiOkResponse({ type: ConfirmationReceipt })
  @ApiDoc({
    summary: 'Confirm a proposal after an amendment',
    description:
      'The firm has read amendment N and keeps its latest version (before the deadline). Answers a receipt whose sha256 is the kept ' +
      'version’s receipt hash. Only the latest amendment can be confirmed (409 AMENDMENT_NOT_LATEST, details.latestAmendment); ' +
      '409 NOTHING_TO_CONFIRM when the problem was never amended. Confirming again, or after a revision made against that ' +
      'amendment, returns the same receipt. Revising the bid answers an amendment too.',
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.PROPOSAL_WITHDRAWN,
      ErrorCode.PROPOSAL_DEADLINE_PASSED,
      ErrorCode.PROBLEM_NOT_OPEN,
      ErrorCode.NOTHING_TO_CONFIRM,
      ErrorCode.AMENDMENT_NOT_LATEST,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
    ],
  })
  confirmProposal(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @Body() dto: ConfirmProposalDto,
    @ReceivedMark() receivedMark: number,
  ): Promise<ConfirmationReceipt> {
    return this.submissions.confirm(user, proposalId, dto.amendmentNumber, receivedMark);
  }

  @Get('proposals/:id')
  @ApiDoc({
    summary: 'Read a proposal, decrypted',
    description: `${SEALED_NOTE} After it: the department’s officers, administrators, and panel members who declared no conflict with the firm. Once an outcome is decided, the firm also gets \`evaluation\`: its own per-criterion scores, comments and rank, evaluators shown anonymously as “Chuyên gia 1, 2, …” (“Expert 1, 2, …” with Accept-Language: en).`,
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.PROPOSAL_SEALED,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      ErrorCode.CONFLICT_OF_INTEREST,
      ErrorCode.FORBIDDEN,
    ],
  })
  @ApiOkResponse({ type: OwnProposalView })
  async getProposal(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @RequestLanguage() lang: Language,
  ) {
    const view = await this.reading.get(user, proposalId);
    // Only the firm itself gets here with role 'enterprise' (another firm's proposal is a 404).
    if (user.role !== 'enterprise') return view;
    return { ...view, evaluation: await this.award.bidderEvaluation(proposalId, lang) };
  }

  @Get('proposals/:id/receipt')
  @ApiDoc({
    summary: 'Read the receipts of every version',
    description: `The firm’s proof of what it submitted and when; readable by whoever may read the proposal. ${RECEIPT_HASH}`,
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.PROPOSAL_SEALED,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      ErrorCode.CONFLICT_OF_INTEREST,
      ErrorCode.FORBIDDEN,
    ],
  })
  getProposalReceipts(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) proposalId: string) {
    return this.reading.receipts(user, proposalId);
  }

  @Get('problems/:id/proposals')
  @ApiDoc({
    summary: 'List a problem’s proposals',
    description: `A firm sees its own. ${SEALED_NOTE}`,
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROPOSAL_SEALED,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.FORBIDDEN,
      ErrorCode.INVALID_CURSOR,
    ],
  })
  @ApiOkResponse({ type: PageOf(ProposalSummary) })
  listProblemProposals(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Query() query: PageQueryDto,
  ) {
    return this.reading.listForProblem(user, problemId, query);
  }

  @Get('me/proposals')
  @Roles('enterprise')
  @ApiDoc({
    summary: 'List my firm’s proposals',
    description: 'Every proposal of the firm, across problems.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(ProposalSummary) })
  listMyProposals(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.reading.listMine(user, query);
  }

  @Post('problems/:id/attachments')
  @Roles('enterprise')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiDoc({
    summary: 'Upload an attachment',
    description:
      'For a later submission (verified firms, before the deadline): PDF, DOCX, XLSX, ZIP, PNG or JPEG, recognised by content; at most ATTACHMENT_MAX_BYTES. Stored encrypted.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_NOT_OPEN,
      ErrorCode.PROPOSAL_DEADLINE_PASSED,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      ErrorCode.ENTERPRISE_NOT_FOUND,
      ErrorCode.NOT_INVITED_TO_BID,
      ErrorCode.ATTACHMENT_TOO_LARGE,
      ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
    ],
  })
  async uploadAttachment(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Req() request: FastifyRequest,
    @ReceivedMark() receivedMark: number,
  ) {
    const file = await readSingleFile(request, this.config.get('ATTACHMENT_MAX_BYTES'));
    return this.attachments.uploadAttachment(user, problemId, file, receivedMark);
  }

  @Get('proposals/:id/attachments/:attachmentId')
  @ApiDoc({
    summary: 'Download an attachment, decrypted',
    description: `${SEALED_NOTE}`,
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.ATTACHMENT_NOT_FOUND,
      ErrorCode.PROPOSAL_SEALED,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      ErrorCode.CONFLICT_OF_INTEREST,
      ErrorCode.FORBIDDEN,
    ],
  })
  @ApiOkResponse({
    description: 'The file, decrypted',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async downloadAttachment(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) proposalId: string,
    @Param('attachmentId', ParseUUIDPipe) attachmentId: string,
  ): Promise<StreamableFile> {
    const file = await this.attachments.downloadAttachment(user, proposalId, attachmentId);
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
