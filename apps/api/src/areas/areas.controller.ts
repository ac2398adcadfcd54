import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser, CurrentUser, Public, Roles } from '@app/common';
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
  list(@Query() query: ListAreasQueryDto) {
    return this.areas.list(query);
  }

  @Public()
  @Get(':code')
  @ApiOkResponse({ type: AreaDetailView })
  get(@Param() { code }: AreaCodeParamDto) {
    return this.areas.get(code);
  }

  /** Enters the area's population on that date (201), or corrects it (200). */
  @ApiBearerAuth()
  @Roles('admin')
  @Put(':code/populations/:asOf')
  @ApiCreatedResponse({ type: PopulationRecordView, description: 'A new figure' })
  @ApiOkResponse({ type: PopulationRecordView, description: 'A corrected figure' })
  async setPopulation(
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
  async deletePopulation(@CurrentUser() actor: AuthUser, @Param() { code, asOf }: PopulationParamsDto) {
    await this.areas.deletePopulation(actor, code, asOf);
  }
}
