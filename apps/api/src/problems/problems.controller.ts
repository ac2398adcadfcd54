import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, PageOf, PageQueryDto, Public, Roles } from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import {
  AmendmentsService,
  AmendProblemDto,
  AnswerQuestionDto,
  AskQuestionDto,
  CancelProblemDto,
  ClarificationsService,
  CreateProblemDto,
  InviteEnterprisesDto,
  ListProblemsQueryDto,
  FollowsService,
  MatchingService,
  ProblemSearchService,
  ProblemsService,
  ProblemSummary,
  QuestionView,
  RankingQueryDto,
  UpdateProblemDto,
} from '@app/problems';

@ApiTags('problems')
@Controller({ path: 'problems', version: '1' })
export class ProblemsController {
  constructor(
    private readonly problems: ProblemsService,
    private readonly search: ProblemSearchService,
    private readonly amendments: AmendmentsService,
  ) {}

  /** Public search of published (and later) problems; officers may list their department's drafts. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get()
  @ApiDoc({
    summary: 'Search problems',
    description:
      'Published and later problems for everyone, searchable and sortable; a department’s officers also see its drafts.',
    errors: [ErrorCode.INVALID_CURSOR, ErrorCode.PROBLEM_FORBIDDEN],
  })
  @ApiOkResponse({ type: PageOf(ProblemSummary) })
  listProblems(@CurrentUser() viewer: AuthUser | undefined, @Query() query: ListProblemsQueryDto) {
    return this.search.search(viewer, query);
  }

  /** Public once published; a draft only for its department's officers and admins. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':id')
  @ApiDoc({
    summary: 'Read a problem',
    description: 'A published problem for everyone; a draft only for its department.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN],
  })
  getProblem(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.problems.get(viewer, id);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post()
  @ApiDoc({
    summary: 'Draft a problem',
    description: 'A department officer drafts a problem with its rubric; nothing is public until it is published.',
    errors: [
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.RUBRIC_INVALID,
      ErrorCode.DEADLINE_TOO_SOON,
      ErrorCode.CLARIFICATION_DEADLINE_INVALID,
      ErrorCode.AREA_CODE_INVALID,
    ],
  })
  createProblem(@CurrentUser() actor: AuthUser, @Body() dto: CreateProblemDto) {
    return this.problems.create(actor, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Patch(':id')
  @ApiDoc({
    summary: 'Edit a draft problem',
    description: 'Only drafts are edited; a published problem changes by amendment.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_NOT_EDITABLE,
      ErrorCode.RUBRIC_INVALID,
      ErrorCode.DEADLINE_TOO_SOON,
      ErrorCode.CLARIFICATION_DEADLINE_INVALID,
      ErrorCode.AREA_CODE_INVALID,
    ],
  })
  updateProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateProblemDto) {
    return this.problems.update(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':id/publish')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Publish a draft problem',
    description: 'Opens the problem for proposals until its deadline (database clock); matching firms are told.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.DEADLINE_TOO_SOON,
      ErrorCode.CLARIFICATION_DEADLINE_INVALID,
      ErrorCode.RUBRIC_INVALID,
    ],
  })
  publishProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.problems.publish(actor, id);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Cancel a problem',
    description: 'Before evaluation, with a reason; followers and bidders are told.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.PROBLEM_STATUS_CONFLICT],
  })
  cancelProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CancelProblemDto) {
    return this.problems.cancel(actor, id, dto.reason);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':id/amendments')
  @ApiDoc({
    summary: 'Amend a published problem',
    description:
      'A numbered amendment with a reason; the deadline moves out if too little time remains, and bidders must confirm or revise.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.AMENDMENT_EMPTY,
      ErrorCode.RUBRIC_FROZEN,
      ErrorCode.DEADLINE_SHORTENED,
      ErrorCode.DEADLINE_TOO_SOON,
      ErrorCode.CLARIFICATION_DEADLINE_INVALID,
      ErrorCode.AREA_CODE_INVALID,
    ],
  })
  amendProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AmendProblemDto) {
    return this.amendments.amend(actor, id, dto);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':id/amendments')
  @ApiDoc({
    summary: 'List a problem’s amendments',
    description: 'Every numbered amendment with its reason and changes.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN],
  })
  listAmendments(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.amendments.list(viewer, id);
  }
}

@ApiTags('clarifications')
@Controller({ path: 'problems/:id/questions', version: '1' })
export class ProblemQuestionsController {
  constructor(private readonly clarifications: ClarificationsService) {}

  /** Answered questions for everyone (no asker named); the asking firm also sees its pending ones; the department sees all. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get()
  @ApiDoc({
    summary: 'List clarification questions',
    description: 'Questions and answers about a problem; askers stay anonymous to other firms.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(QuestionView) })
  listQuestions(
    @CurrentUser() viewer: AuthUser | undefined,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.clarifications.list(viewer, id, query);
  }

  @ApiBearerAuth()
  @Roles('enterprise')
  @Post()
  @ApiDoc({
    summary: 'Ask a clarification question',
    description: 'A firm asks about a published problem before the clarification deadline; the department is told.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_NOT_OPEN,
      ErrorCode.CLARIFICATION_CLOSED,
      ErrorCode.ENTERPRISE_NOT_FOUND,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
    ],
  })
  askQuestion(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AskQuestionDto) {
    return this.clarifications.ask(actor, id, dto.question);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':qid/answer')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Answer a clarification question',
    description: 'The department answers (or revises its answer); followers and bidders are told.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.QUESTION_NOT_FOUND,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
    ],
  })
  answerQuestion(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('qid', ParseUUIDPipe) qid: string,
    @Body() dto: AnswerQuestionDto,
  ) {
    return this.clarifications.answer(actor, id, qid, dto.answer);
  }
}

@ApiTags('matching')
@ApiBearerAuth()
@Controller({ path: 'problems/:id', version: '1' })
export class ProblemMatchingController {
  constructor(
    private readonly matching: MatchingService,
    private readonly follows: FollowsService,
  ) {}

  @Roles('officer')
  @Get('suggested-enterprises')
  @ApiDoc({
    summary: 'List firms suggested for a problem',
    description: 'Verified firms ranked by how well they match the problem, for its department.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.INVALID_CURSOR],
  })
  listSuggestedEnterprises(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: RankingQueryDto,
  ) {
    return this.matching.suggestedEnterprises(actor, id, query.limit);
  }

  @Roles('officer')
  @Post('invitations')
  @ApiDoc({
    summary: 'Invite firms to a problem',
    description: 'The department invites verified firms to bid, with an optional note; they are told.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      ErrorCode.MINI_COMPETITION_FIRMS_FIXED,
    ],
  })
  inviteEnterprises(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: InviteEnterprisesDto) {
    return this.matching.invite(actor, id, dto);
  }

  @Roles('enterprise')
  @Get('follow')
  @ApiDoc({
    summary: 'Whether my firm follows a problem',
    description: 'Answers `following: true` when the caller’s firm is told of the problem’s amendments, answers and deadline.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  followingProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.follows.following(actor, id);
  }

  @Roles('enterprise')
  @Post('follow')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Follow a problem',
    description: 'The firm is told of amendments, answers and the deadline.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  followProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.follows.follow(actor, id);
  }

  @Roles('enterprise')
  @Delete('follow')
  @ApiDoc({
    summary: 'Stop following a problem',
    description: 'The firm is no longer told about the problem unless it bids.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  unfollowProblem(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.follows.unfollow(actor, id);
  }
}
