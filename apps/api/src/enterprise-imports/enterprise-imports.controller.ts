import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
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
  PageQueryDto,
  RequestLanguage,
  Roles,
  translateReport,
} from '@app/common';
import { EnterpriseImportsService, ImportPage, ImportRowPage, ImportSwaggerView, ListImportRowsQueryDto } from '@app/enterprises';
import { readSingleFile } from '../proposals/multipart-upload';

const importTooLarge = (maxBytes: number) => new AppError(ErrorCode.IMPORT_FILE_TOO_LARGE, { maxBytes }, { maxBytes });

/**
 * The baseline import of the city's list of digital-technology enterprises (admins). Upload →
 * background dry run with a report per row → commit → background write; progress in GET.
 */
@ApiTags('enterprise-imports')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'enterprise-imports', version: '1' })
export class EnterpriseImportsController {
  constructor(
    private readonly imports: EnterpriseImportsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiDoc({
    summary: 'Upload an enterprise list for a dry run',
    description:
      'A CSV or XLSX file. Columns (header names in English or Vietnamese, accents optional): tax_code, legal_name, address, unit (code or name), sectors, founded_on, activity_started_on, activity_evidence, status (active/suspended/ceased), status_date, source. Send the field `source` (where the list comes from) before the file. The dry run runs in the background; nothing is written to the registry until the import is committed.',
    errors: [ErrorCode.IMPORT_FILE_INVALID, ErrorCode.IMPORT_FILE_TOO_LARGE, ErrorCode.INVALID_CHARACTERS],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['source', 'file'],
      properties: {
        source: { type: 'string', example: 'Sở KH&CN Hải Phòng, danh sách 06/2024' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiAcceptedResponse({ type: ImportSwaggerView })
  async uploadEnterpriseImport(
    @CurrentUser() actor: AuthUser,
    @Req() request: FastifyRequest,
    @RequestLanguage() lang: Language,
  ) {
    const file = await readSingleFile(request, this.config.get('IMPORT_MAX_BYTES'), importTooLarge);
    const source = nfc(file.fields.source ?? '').trim();
    if (!source || source.length > 500) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, {}, [
        { field: 'source', errors: [new Msg('validation.importSource', { field: fieldName('source') })] },
      ]);
    }
    return translateReport(lang, await this.imports.create(actor, file, source));
  }

  @Get()
  @ApiOkResponse({ type: ImportPage })
  @ApiDoc({
    summary: 'List enterprise imports',
    description: 'Every upload of the enterprise list, newest first, with its status and progress.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  async listEnterpriseImports(@Query() query: PageQueryDto, @RequestLanguage() lang: Language) {
    return translateReport(lang, await this.imports.list(query));
  }

  /** Status and progress ("n of N rows") of the dry run or the commit, and the count per outcome. */
  @Get(':id')
  @ApiOkResponse({ type: ImportSwaggerView })
  @ApiDoc({
    summary: 'Read an enterprise import',
    description: 'Status and progress (“n of N rows”) of the dry run or the commit, and the count of rows per outcome.',
    errors: [ErrorCode.IMPORT_NOT_FOUND],
  })
  async getEnterpriseImport(@Param('id', ParseUUIDPipe) id: string, @RequestLanguage() lang: Language) {
    return translateReport(lang, await this.imports.get(id));
  }

  /** The dry-run report: every row with its outcome, problems and unit suggestions. */
  @Get(':id/rows')
  @ApiOkResponse({ type: ImportRowPage })
  @ApiDoc({
    summary: 'Read the dry-run report of an enterprise import',
    description:
      'Every row with its outcome, its problems (in the reader’s language) and unit suggestions; optionally one outcome only.',
    errors: [ErrorCode.IMPORT_NOT_FOUND, ErrorCode.INVALID_CURSOR],
  })
  async listEnterpriseImportRows(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListImportRowsQueryDto,
    @RequestLanguage() lang: Language,
  ) {
    return translateReport(lang, await this.imports.rows(id, query));
  }

  /** The whole report as a CSV file for Excel: row, outcome, tax code, unit, problems, suggested units. */
  @Get(':id/report.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The report as CSV (UTF-8 with BOM)', schema: { type: 'string' } })
  @ApiDoc({
    summary: 'Download the report of an enterprise import as CSV',
    description:
      'For Excel: row, outcome, tax code, unit, problems (in the reader’s language) and suggested units, so the list can be fixed and uploaded again.',
    errors: [ErrorCode.IMPORT_NOT_FOUND],
  })
  async downloadEnterpriseImportReport(
    @Param('id', ParseUUIDPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @RequestLanguage() lang: Language,
  ) {
    const csv = await this.imports.reportCsv(id, lang);
    void reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${csv.filename}"`);
    return csv.body;
  }

  /** Writes the ready and updated rows (in the background); only a validated import, once. */
  @Post(':id/commit')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ImportSwaggerView })
  @ApiDoc({
    summary: 'Commit an enterprise import',
    description: 'Writes the ready and updated rows in the background; only a validated import, once.',
    errors: [ErrorCode.IMPORT_NOT_FOUND, ErrorCode.IMPORT_STATUS_CONFLICT],
  })
  async commitEnterpriseImport(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @RequestLanguage() lang: Language,
  ) {
    return translateReport(lang, await this.imports.requestCommit(actor, id));
  }
}
