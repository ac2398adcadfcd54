import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, Public, Roles } from '@app/common';
import { CalendarService, HolidayDateParam, HolidaysQueryDto, SetHolidayDto } from '@app/calendar';

@ApiTags('calendar')
@Controller({ path: 'calendar/holidays', version: '1' })
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Public()
  @Get()
  @ApiDoc({
    summary: 'List the city calendar’s holidays',
    description: 'Days off besides weekends, by which periods in working days (the standstill) are counted.',
    errors: [],
  })
  listHolidays(@Query() query: HolidaysQueryDto) {
    return this.calendar.list(query.year);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Put(':date')
  @ApiDoc({
    summary: 'Add or rename a holiday',
    description: 'Admins keep the list as the Government announces each year’s days off; periods already fixed do not move.',
    errors: [],
  })
  setHoliday(@CurrentUser() actor: AuthUser, @Param() { date }: HolidayDateParam, @Body() dto: SetHolidayDto) {
    return this.calendar.set(actor, date, dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Delete(':date')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiDoc({
    summary: 'Remove a holiday',
    description: 'The day becomes a working day again (unless it is a weekend).',
    errors: [ErrorCode.HOLIDAY_NOT_FOUND],
  })
  async removeHoliday(@CurrentUser() actor: AuthUser, @Param() { date }: HolidayDateParam) {
    await this.calendar.remove(actor, date);
  }
}
