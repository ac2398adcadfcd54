import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, Public, Roles } from '@app/common';
import {
  AreaCodeParamDto,
  AreaDetailView,
  AreaPage,
  AreasService,
  ListAreasQueryDto,
  PopulationParamsDto,
  PopulationRecordView,
  SetPopulationDto,
} from '@app/areas';

@ApiTags('areas')
@Controller({ path: 'areas', version: '1' })
export class AreasController {
  constructor(private readonly areas: AreasService) {}

  /** The city and its commune-level units, each with the population figure in use today. */
  @Public()
  @Get()
  @ApiOkResponse({ type: AreaPage })
  @ApiDoc({
    summary: 'List Hai Phong and its commune-level areas',
    description: 'The city and its wards, communes and special zones, each with the population figure in use today. Paged by cursor.',
    errors: [],
  })
  listAreas(@Query() query: ListAreasQueryDto) {
    return this.areas.list(query);
  }

  @Public()
  @Get(':code')
  @ApiOkResponse({ type: AreaDetailView })
  @ApiDoc({
    summary: 'Read one area with its population history',
    description: 'One area by its code, with every dated population figure recorded for it.',
    errors: [ErrorCode.AREA_NOT_FOUND],
  })
  getArea(@Param() { code }: AreaCodeParamDto) {
    return this.areas.get(code);
  }

  /** Enters the area's population on that date (201), or corrects it (200). */
  @ApiBearerAuth()
  @Roles('admin')
  @Put(':code/populations/:asOf')
  @ApiCreatedResponse({ type: PopulationRecordView, description: 'A new figure' })
  @ApiOkResponse({ type: PopulationRecordView, description: 'A corrected figure' })
  @ApiDoc({
    summary: 'Enter or correct an area population figure',
    description: 'Records the population of an area as of a date (201), or corrects the figure already recorded for that date (200). The change is audited and the indicator follows it.',
    errors: [ErrorCode.AREA_NOT_FOUND, ErrorCode.DATE_IN_FUTURE],
  })
  async setAreaPopulation(
    @CurrentUser() actor: AuthUser,
    @Param() { code, asOf }: PopulationParamsDto,
    @Body() dto: SetPopulationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created, figure } = await this.areas.setPopulation(actor, code, asOf, dto);
    void reply.status(created ? 201 : 200);
    return figure;
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Delete(':code/populations/:asOf')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiDoc({
    summary: 'Delete an area population figure',
    description: 'Removes the figure recorded for that date; the indicator then uses the previous one.',
    errors: [ErrorCode.AREA_NOT_FOUND, ErrorCode.AREA_POPULATION_NOT_FOUND],
  })
  async deleteAreaPopulation(@CurrentUser() actor: AuthUser, @Param() { code, asOf }: PopulationParamsDto) {
    await this.areas.deletePopulation(actor, code, asOf);
  }
}
