export * from './calendar.module';
export * from './calendar.service';
export * from './dto/holiday.dto';
export { addWorkingDays, isWorkingDay, workingDaysEnd } from './working-days';
