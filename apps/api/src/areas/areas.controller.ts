import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiDoc,
  AppConfig,
  AppError,
  AuthUser,
  CurrentUser,
  ErrorCode,
  fieldName,
  Language,
  Msg,
  nfc,
  Public,
  RequestLanguage,
  Roles,
  translateReport,
} from '@app/common';
import { readSingleFile } from '../proposals/multipart-upload';
import {
  AreaCodeParamDto,
  AreaDetailView,
  AreaPage,
  AreasService,
  ListAreasQueryDto,
  PopulationImportReport,
  PopulationParamsDto,
  PopulationRecordView,
  SetPopulationDto,
} from '@app/areas';

@ApiTags('areas')
@Controller({ path: 'areas', version: '1' })
export class AreasController {
  constructor(
    private readonly areas: AreasService,
    private readonly config: AppConfig,
  ) {}

  /** Population figures for many units in one go: a dry run by default, `commit=true` writes them. */
  @ApiBearerAuth()
  @Roles('admin')
  @Post('population-imports')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Import population figures from a file',
    description:
      'A CSV or XLSX file with the columns unit, value, as_of, source. unit is a code or a name (accents optional; 31 the city from 1 July 2025, ' +
      '31-2024 the city before, 3-digit districts until then). Send the fields before the file: commit=true to write (default: a dry run ' +
      'that reports every row’s outcome), source for rows without their own.',
    errors: [ErrorCode.IMPORT_FILE_INVALID, ErrorCode.IMPORT_FILE_TOO_LARGE, ErrorCode.INVALID_CHARACTERS],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        commit: { type: 'string', enum: ['true', 'false'] },
        source: { type: 'string' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiOkResponse({ type: PopulationImportReport })
  async importPopulations(@CurrentUser() actor: AuthUser, @Req() request: FastifyRequest, @RequestLanguage() lang: Language) {
    const file = await readSingleFile(
      request,
      this.config.get('IMPORT_MAX_BYTES'),
      (maxBytes) => new AppError(ErrorCode.IMPORT_FILE_TOO_LARGE, { maxBytes }, { maxBytes }),
    );
    const commit = file.fields.commit ?? 'false';
    if (commit !== 'true' && commit !== 'false') {
      throw new AppError(ErrorCode.VALIDATION_FAILED, {}, [
        { field: 'commit', errors: [new Msg('validation.isBooleanText', { field: fieldName('commit') })] },
      ]);
    }
    const source = file.fields.source ? nfc(file.fields.source).slice(0, 500) : null;
    return translateReport(lang, await this.areas.importPopulations(actor, file, { commit: commit === 'true', source }));
  }

  /** The city and its commune-level units, each with the population figure in use today. */
  @Public()
  @Get()
  @ApiOkResponse({ type: AreaPage })
  @ApiDoc({
    summary: 'List Hai Phong and its commune-level areas',
    description:
      'The city and its wards, communes and special zones, each with the population figure in use today. Paged by cursor.',
    errors: [ErrorCode.INVALID_CURSOR],
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
    description:
      'Records the population of an area as of a date (201), or corrects the figure already recorded for that date (200). The change is audited and the indicator follows it.',
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
