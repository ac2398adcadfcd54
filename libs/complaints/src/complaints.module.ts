import { Module } from '@nestjs/common';
import { CalendarModule } from '@app/calendar';
import { EvaluationModule } from '@app/evaluation';
import { ProblemsModule } from '@app/problems';
import { ComplaintAttachmentsService } from './complaint-attachments';
import { ComplaintsService } from './complaints.service';
import { StandstillService } from './standstill.service';

/** After a decision: the standstill period and the bidders' complaints. */
@Module({
  imports: [CalendarModule, EvaluationModule, ProblemsModule],
  providers: [StandstillService, ComplaintsService, ComplaintAttachmentsService],
  exports: [StandstillService, ComplaintsService, ComplaintAttachmentsService],
})
export class ComplaintsModule {}
