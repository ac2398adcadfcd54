import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OcdsModule } from '@app/ocds';
import { AmendmentsService } from './amendments.service';
import { ClarificationsService } from './clarifications.service';
import { Problem } from './entities/problem.entity';
import { ProblemAmendment } from './entities/problem-amendment.entity';
import { ProblemQuestion } from './entities/problem-question.entity';
import { MatchingService } from './matching.service';
import { ProblemDeadlinesService } from './problem-deadlines.service';
import { ProblemSearchService } from './problem-search.service';
import { ProblemsService } from './problems.service';
import { ProblemDocument } from './documents/problem-document.entity';
import { ProblemDocumentsService } from './documents/problem-documents.service';

const services = [
  ProblemsService,
  ProblemDeadlinesService,
  AmendmentsService,
  ClarificationsService,
  ProblemSearchService,
  MatchingService,
  ProblemDocumentsService,
];

/** Problems: drafting to closing, clarifications, amendments, search, matching and the jobs they plan. */
@Module({
  imports: [TypeOrmModule.forFeature([Problem, ProblemAmendment, ProblemQuestion, ProblemDocument]), OcdsModule],
  providers: services,
  exports: services,
})
export class ProblemsModule {}
