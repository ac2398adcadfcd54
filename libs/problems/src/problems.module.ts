import { Module } from '@nestjs/common';
import { OcdsModule } from '@app/ocds';
import { AmendmentsService } from './amendments.service';
import { ClarificationsService } from './clarifications.service';
import { FollowsService } from './follows.service';
import { MatchingService } from './matching.service';
import { ProblemDeadlinesService } from './problem-deadlines.service';
import { ProblemSearchService } from './problem-search.service';
import { ProblemsService } from './problems.service';
import { ProblemDocumentsService } from './documents/problem-documents.service';

const services = [
  ProblemsService,
  ProblemDeadlinesService,
  AmendmentsService,
  ClarificationsService,
  ProblemSearchService,
  MatchingService,
  FollowsService,
  ProblemDocumentsService,
];

/** Problems: drafting to closing, clarifications, amendments, search, matching and the jobs they plan. */
@Module({
  imports: [OcdsModule],
  providers: services,
  exports: services,
})
export class ProblemsModule {}
