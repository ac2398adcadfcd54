import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AppConfig, Public } from '@app/common';

/** The competition rules in force, as configured: the portal explains them before an officer acts. */
export class CompetitionRulesView {
  @ApiProperty({ description: 'A problem is published only with a deadline at least this many days away' })
  problemMinOpenDays: number;
  @ApiProperty({ description: 'Default gap between the clarification deadline and the proposal deadline' })
  clarificationCloseDays: number;
  @ApiProperty({ description: 'An amendment pushes the deadline out so that at least this many days remain' })
  amendmentMinRemainingDays: number;
  @ApiProperty({ description: 'Evaluators without a conflict needed per proposal' })
  panelMinSize: number;
  @ApiProperty({ description: 'Points (of 100) between evaluators’ totals above which the chair records a consensus' })
  scoreDisagreementThreshold: number;
}

@ApiTags('problems')
@Controller({ path: 'competition-rules', version: '1' })
export class CompetitionRulesController {
  constructor(private readonly config: AppConfig) {}

  @Public()
  @Get()
  @ApiDoc({
    summary: 'Read the competition rules in force',
    description:
      'The configured minimum open period, amendment rule, panel size and disagreement threshold: public, as the rules are.',
    errors: [],
  })
  @ApiOkResponse({ type: CompetitionRulesView })
  getCompetitionRules(): CompetitionRulesView {
    return {
      problemMinOpenDays: this.config.get('PROBLEM_MIN_OPEN_DAYS'),
      clarificationCloseDays: this.config.get('CLARIFICATION_CLOSE_DAYS'),
      amendmentMinRemainingDays: this.config.get('AMENDMENT_MIN_REMAINING_DAYS'),
      panelMinSize: this.config.get('PANEL_MIN_SIZE'),
      scoreDisagreementThreshold: this.config.get('SCORE_DISAGREEMENT_THRESHOLD'),
    };
  }
}
