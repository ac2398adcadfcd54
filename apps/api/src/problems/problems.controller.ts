import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OptionalJwtAuthGuard, PageQueryDto, Public, Roles } from '@app/common';
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
  MatchingService,
  ProblemSearchService,
  ProblemsService,
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
  list(@CurrentUser() viewer: AuthUser | undefined, @Query() query: ListProblemsQueryDto) {
    return this.search.search(viewer, query);
  }

  /** Public once published; a draft only for its department's officers and admins. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':id')
  get(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.problems.get(viewer, id);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post()
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateProblemDto) {
    return this.problems.create(actor, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Patch(':id')
  update(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateProblemDto) {
    return this.problems.update(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':id/publish')
  @HttpCode(200)
  publish(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.problems.publish(actor, id);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CancelProblemDto) {
    return this.problems.cancel(actor, id, dto.reason);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':id/amendments')
  amend(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AmendProblemDto) {
    return this.amendments.amend(actor, id, dto);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':id/amendments')
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
  list(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto) {
    return this.clarifications.list(viewer, id, query);
  }

  @ApiBearerAuth()
  @Roles('enterprise')
  @Post()
  ask(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AskQuestionDto) {
    return this.clarifications.ask(actor, id, dto.question);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post(':qid/answer')
  @HttpCode(200)
  answer(
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
  constructor(private readonly matching: MatchingService) {}

  @Roles('officer')
  @Get('suggested-enterprises')
  suggested(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: RankingQueryDto) {
    return this.matching.suggestedEnterprises(actor, id, query.limit);
  }

  @Roles('officer')
  @Post('invitations')
  invite(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: InviteEnterprisesDto) {
    return this.matching.invite(actor, id, dto);
  }

  @Roles('enterprise')
  @Post('follow')
  @HttpCode(200)
  follow(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.matching.follow(actor, id);
  }

  @Roles('enterprise')
  @Delete('follow')
  unfollow(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.matching.unfollow(actor, id);
  }
}
