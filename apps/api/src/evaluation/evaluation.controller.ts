import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, PageQueryDto, Public, Roles } from '@app/common';
import {
  AwardDto,
  AwardService,
  ConflictsService,
  ConsensusDto,
  DeclareConflictsDto,
  DeclareUnsuccessfulDto,
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
  @ApiOperation({
    summary:
      'Name the panel (department officers): ≥ PANEL_MIN_SIZE active evaluators, one chair; after the deadline only with a reason',
  })
  setPanel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPanelDto) {
    return this.panel.setPanel(user, id, dto);
  }

  @Get('problems/:id/panel')
  @Roles('officer', 'admin', 'evaluator')
  @ApiOperation({ summary: 'The panel (department officers, admins, its members)' })
  getPanel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.panel.getPanel(user, id);
  }

  @Get('me/panels')
  @Roles('evaluator')
  @ApiOperation({ summary: 'Problems whose panel holds me' })
  myPanels(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.panel.myPanels(user, query);
  }

  @Get('problems/:id/bidders')
  @Roles('evaluator')
  @ApiOperation({ summary: 'Bidding firms (names only) and my declarations (panel members, after the deadline)' })
  bidders(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.conflicts.bidders(user, id);
  }

  @Post('problems/:id/conflict-declarations')
  @Roles('evaluator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Declare, per bidding firm, a conflict of interest or none (a conflict is final)' })
  declare(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DeclareConflictsDto) {
    return this.conflicts.declare(user, id, dto);
  }

  @Get('problems/:id/evaluation-progress')
  @Roles('officer', 'admin')
  @ApiOperation({ summary: 'Who has declared and submitted, per proposal (no scores)' })
  progress(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.scores.progress(user, id);
  }

  @Put('proposals/:id/scores')
  @Roles('evaluator')
  @ApiOperation({ summary: 'Save draft scores (0–10, two decimals) per rubric criterion' })
  saveScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveScoresDto) {
    return this.scores.save(user, id, dto);
  }

  @Post('proposals/:id/scores/submit')
  @Roles('evaluator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit my scores (every criterion scored); final unless an officer reopens them' })
  submitScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.scores.submit(user, id);
  }

  @Post('proposals/:id/scores/reopen')
  @Roles('officer')
  @HttpCode(200)
  @ApiOperation({ summary: "Reopen an evaluator's submitted scores, with a reason (department officers)" })
  reopen(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReopenScoresDto) {
    return this.scores.reopen(user, id, dto);
  }

  @Get('proposals/:id/scores')
  @Roles('evaluator', 'officer', 'admin')
  @ApiOperation({ summary: "Scores: my own; others' only after submitting mine; officers only once the panel has finished" })
  readScores(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: ScoresQueryDto) {
    return this.scores.read(user, id, query);
  }

  @Post('proposals/:id/consensus')
  @Roles('evaluator')
  @HttpCode(200)
  @ApiOperation({ summary: 'The chair records a consensus score (0–100) for a flagged proposal' })
  consensus(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ConsensusDto) {
    return this.ranking.recordConsensus(user, id, dto);
  }

  @Get('problems/:id/ranking')
  @Roles('officer', 'admin', 'evaluator')
  @ApiOperation({ summary: 'The ranking once scoring has ended (department officers, admins, the panel)' })
  getRanking(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.ranking.ranking(user, id);
  }

  @Post('problems/:id/award')
  @Roles('officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Award a proposal that passed (another than the top-ranked needs a justification)' })
  awardProblem(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AwardDto) {
    return this.award.award(user, id, dto);
  }

  @Post('problems/:id/unsuccessful')
  @Roles('officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Declare the problem unsuccessful, with a reason' })
  unsuccessful(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DeclareUnsuccessfulDto) {
    return this.award.declareUnsuccessful(user, id, dto);
  }

  @Public()
  @Get('problems/:id/result')
  @ApiOperation({ summary: 'Public result once decided: winner, price, score summary, or the reason it was unsuccessful' })
  result(@Param('id', ParseUUIDPipe) id: string) {
    return this.award.result(id);
  }
}
