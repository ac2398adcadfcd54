import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, PageOf, PageQueryDto, Public, Roles } from '@app/common';
import {
  AwardDto,
  AwardService,
  ConflictsService,
  ConsensusDto,
  DeclareConflictsDto,
  DeclareUnsuccessfulDto,
  MyPanelView,
  PanelService,
  RankingService,
  ReopenScoresDto,
  SaveScoresDto,
  ScoresQueryDto,
  ScoresService,
  SetPanelDto,
} from '@app/evaluation';

@ApiTags('evaluation')
@ApiBearerAuth()
@Controller({ version: '1' })
export class EvaluationController {
  constructor(
    private readonly panel: PanelService,
    private readonly conflicts: ConflictsService,
    private readonly scores: ScoresService,
    private readonly ranking: RankingService,
    private readonly award: AwardService,
  ) {}

  @Put('problems/:id/panel')
  @Roles('officer')
  @ApiDoc({
    summary: 'Name the evaluation panel',
    description:
      'Department officers name at least PANEL_MIN_SIZE active evaluators with one chair; after the deadline only with a written reason.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.PANEL_INVALID,
      ErrorCode.PANEL_CHANGE_REASON_REQUIRED,
    ],
  })
  setPanel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPanelDto) {
    return this.panel.setPanel(user, id, dto);
  }

  @Get('problems/:id/panel')
  @Roles('officer', 'admin', 'evaluator')
  @ApiDoc({
    summary: 'Read the evaluation panel',
    description: 'The panel, for the department’s officers, administrators and the panel’s own members.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.NOT_ON_PANEL],
  })
  getPanel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.panel.getPanel(user, id);
  }

  @Get('me/panels')
  @Roles('evaluator')
  @ApiDoc({
    summary: 'List the problems whose panel I sit on',
    description: 'For evaluators: every problem they are named to evaluate.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(MyPanelView) })
  listMyPanels(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.panel.myPanels(user, query);
  }

  @Get('problems/:id/bidders')
  @Roles('evaluator')
  @ApiDoc({
    summary: 'List the bidding firms to declare conflicts for',
    description: 'Panel members, after the deadline: the bidding firms (names only) and the member’s own declarations.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.NOT_ON_PANEL, ErrorCode.PROPOSAL_SEALED, ErrorCode.PROBLEM_STATUS_CONFLICT],
  })
  listBidders(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.conflicts.bidders(user, id);
  }

  @Post('problems/:id/conflict-declarations')
  @Roles('evaluator')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Declare conflicts of interest',
    description:
      'Per bidding firm, a conflict of interest or none. A declared conflict is final and keeps the member away from that firm’s proposal.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.PROPOSAL_SEALED,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.CONFLICT_DECLARATION_FINAL,
    ],
  })
  declareConflicts(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DeclareConflictsDto) {
    return this.conflicts.declare(user, id, dto);
  }

  @Get('problems/:id/evaluation-progress')
  @Roles('officer', 'admin')
  @ApiDoc({
    summary: 'Read the evaluation progress',
    description: 'Who has declared and submitted, per proposal, without any score. Shown once the problem has closed.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.PROPOSAL_SEALED],
  })
  getEvaluationProgress(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.scores.progress(user, id);
  }

  @Put('proposals/:id/scores')
  @Roles('evaluator')
  @ApiDoc({
    summary: 'Save draft scores',
    description: 'An evaluator’s scores (0–10, two decimals) and comments per rubric criterion; drafts until submitted.',
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      ErrorCode.CONFLICT_OF_INTEREST,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.SCORES_ALREADY_SUBMITTED,
    ],
  })
  saveScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveScoresDto) {
    return this.scores.save(user, id, dto);
  }

  @Post('proposals/:id/scores/submit')
  @Roles('evaluator')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Submit my scores',
    description: 'Every criterion must be scored; submitted scores are final unless a department officer reopens them.',
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      ErrorCode.CONFLICT_OF_INTEREST,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.SCORES_INCOMPLETE,
      ErrorCode.SCORES_ALREADY_SUBMITTED,
    ],
  })
  submitScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.scores.submit(user, id);
  }

  @Post('proposals/:id/scores/reopen')
  @Roles('officer')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Reopen an evaluator’s submitted scores',
    description: 'A department officer reopens one evaluator’s scores for a proposal, with a reason; the evaluator is told.',
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      ErrorCode.SCORES_NOT_SUBMITTED,
    ],
  })
  reopenScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReopenScoresDto) {
    return this.scores.reopen(user, id, dto);
  }

  @Get('proposals/:id/scores')
  @Roles('evaluator', 'officer', 'admin')
  @ApiDoc({
    summary: 'Read scores for a proposal',
    description:
      'An evaluator reads their own; others’ only after submitting theirs. Officers read them once the whole panel has submitted.',
    errors: [
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.CONFLICT_OF_INTEREST,
      ErrorCode.SCORES_HIDDEN,
      ErrorCode.PROPOSAL_SEALED,
    ],
  })
  readScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: ScoresQueryDto) {
    return this.scores.read(user, id, query);
  }

  @Post('proposals/:id/consensus')
  @Roles('evaluator')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Record a consensus score',
    description:
      'The panel chair records a consensus score (0–100) for a proposal whose evaluators disagree by more than the threshold.',
    errors: [ErrorCode.PROPOSAL_NOT_FOUND, ErrorCode.NOT_ON_PANEL, ErrorCode.CONSENSUS_NOT_ALLOWED],
  })
  recordConsensus(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ConsensusDto) {
    return this.ranking.recordConsensus(user, id, dto);
  }

  @Get('problems/:id/ranking')
  @Roles('officer', 'admin', 'evaluator')
  @ApiDoc({
    summary: 'Read the ranking',
    description:
      'The proposals ranked by final score, once every eligible evaluator has submitted, for the department, administrators and the panel.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.NOT_ON_PANEL,
      ErrorCode.SCORING_INCOMPLETE,
      ErrorCode.PROPOSAL_SEALED,
    ],
  })
  getRanking(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.ranking.ranking(user, id);
  }

  @Post('problems/:id/award')
  @Roles('officer')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Award a proposal',
    description:
      'The department awards a proposal that passed; choosing other than the top-ranked needs a written justification. Bidders are told.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROPOSAL_NOT_FOUND,
      ErrorCode.SCORING_INCOMPLETE,
      ErrorCode.AWARD_NOT_ALLOWED,
      ErrorCode.AWARD_JUSTIFICATION_REQUIRED,
    ],
  })
  awardProblem(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AwardDto) {
    return this.award.award(user, id, dto);
  }

  @Post('problems/:id/unsuccessful')
  @Roles('officer')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Declare the problem unsuccessful',
    description: 'The department closes the problem without a winner, with a reason; bidders are told.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.AWARD_NOT_ALLOWED, ErrorCode.SCORING_INCOMPLETE],
  })
  declareUnsuccessful(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeclareUnsuccessfulDto,
  ) {
    return this.award.declareUnsuccessful(user, id, dto);
  }

  @Public()
  @Get('problems/:id/result')
  @ApiDoc({
    summary: 'Read the public result',
    description: 'Once decided: the winner, price and score summary, or the reason the problem was unsuccessful.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_NOT_DECIDED],
  })
  getProblemResult(@Param('id', ParseUUIDPipe) id: string) {
    return this.award.result(id);
  }
}
