import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AppError, AuthUser, CurrentUser, ErrorCode, nfc, Public, Roles } from '@app/common';
import { readSingleFile } from '../proposals/multipart-upload';
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
  constructor(
    private readonly areas: AreasService,
    private readonly config: AppConfig,
  ) {}

  /** Population figures for many units in one go: a dry run by default, `commit=true` writes them. */
  @ApiBearerAuth()
  @Roles('admin')
  @Post('population-imports')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import population figures (unit, value, as_of, source) from CSV or XLSX',
    description:
      'unit is a code or a name (accents optional; 31 the city from 1 July 2025, 31-2024 the city before, 3-digit districts until then). Send the fields before the file: commit=true to write (default: dry run), source for rows without their own.',
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
  @ApiOkResponse({
    description:
      '{committed, fileName, sha256, summary, rows:[{rowNumber, outcome, areaCode, value, asOf, source, current, problems}]}',
  })
  async importPopulations(@CurrentUser() actor: AuthUser, @Req() request: FastifyRequest) {
    const file = await readSingleFile(
      request,
      this.config.get('IMPORT_MAX_BYTES'),
      (maxBytes) =>
        new AppError(ErrorCode.IMPORT_FILE_TOO_LARGE, `An import file may be at most ${maxBytes} bytes.`, { maxBytes }),
    );
    const commit = file.fields.commit ?? 'false';
    if (commit !== 'true' && commit !== 'false') {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid.', [
        { field: 'commit', errors: ['commit must be true or false'] },
      ]);
    }
    const source = file.fields.source ? nfc(file.fields.source).slice(0, 500) : null;
    return this.areas.importPopulations(actor, file, { commit: commit === 'true', source });
  }

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
