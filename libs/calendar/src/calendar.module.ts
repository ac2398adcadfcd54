import { Module } from '@nestjs/common';
import { CalendarService } from './calendar.service';

/** The city calendar: holidays and periods counted in working days. */
@Module({
  providers: [CalendarService],
  exports: [CalendarService],
})
export class CalendarModule {}
