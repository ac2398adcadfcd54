import { Module } from '@nestjs/common';
import { ComplaintsModule } from '@app/complaints';
import { OcdsModule } from '@app/ocds';
import { OrderOcds } from './order-ocds';
import { EvaluationModule } from '@app/evaluation';
import { ProblemsModule } from '@app/problems';
import { DeliveryService } from './delivery.service';
import { DeliverableFilesService } from './deliverable-files.service';
import { OrderEvents } from './order-events';
import { OrdersService } from './orders.service';
import { OrderRemindersService } from './order-reminders.service';
import { VariationsService } from './variations.service';
import { OutcomeService } from './outcome.service';
import { CatalogueService } from './catalogue.service';
import { TrackRecordService } from './track-record.service';
import { MiniCompetitionService } from './mini-competition.service';

/** The order after the award: milestones agreed by both sides, pilot then scale-up, delivery. */
@Module({
  imports: [ComplaintsModule, EvaluationModule, ProblemsModule, OcdsModule],
  providers: [
    OrderOcds,
    OrdersService,
    DeliveryService,
    DeliverableFilesService,
    OrderEvents,
    OrderRemindersService,
    VariationsService,
    OutcomeService,
    CatalogueService,
    TrackRecordService,
    MiniCompetitionService,
  ],
  exports: [
    OrdersService,
    DeliveryService,
    DeliverableFilesService,
    OrderRemindersService,
    VariationsService,
    OutcomeService,
    CatalogueService,
    TrackRecordService,
    MiniCompetitionService,
  ],
})
export class OrdersModule {}
