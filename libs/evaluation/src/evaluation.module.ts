import { Module } from '@nestjs/common';
import { OcdsModule } from '@app/ocds';
import { ProblemsModule } from '@app/problems';
import { ProposalsModule } from '@app/proposals';
import { AwardService } from './award.service';
import { ConflictsService } from './conflicts.service';
import { DecisionsService } from './decisions.service';
import { EvaluationRemindersService } from './evaluation-reminders.service';
import { PanelService } from './panel.service';
import { RankingService } from './ranking.service';
import { ScoresService } from './scores.service';

const services = [
  PanelService,
  ConflictsService,
  ScoresService,
  RankingService,
  AwardService,
  EvaluationRemindersService,
  DecisionsService,
];

/** Evaluation and award: panels, conflicts of interest, scores, ranking, the decision, reminders. */
@Module({
  imports: [ProblemsModule, ProposalsModule, OcdsModule],
  providers: services,
  exports: services,
})
export class EvaluationModule {}
