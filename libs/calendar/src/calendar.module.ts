import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarService } from './calendar.service';
import { CityHoliday } from './city-holiday.entity';

/** The city calendar: holidays and periods counted in working days. */
@Module({
  imports: [TypeOrmModule.forFeature([CityHoliday])],
  providers: [CalendarService],
  exports: [CalendarService],
})
export class CalendarModule {}
