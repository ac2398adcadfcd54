import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AppError, AuthUser, CurrentUser, ErrorCode, nfc, PageQueryDto, Roles } from '@app/common';
import { EnterpriseImportsService, ImportPage, ImportRowPage, ImportSwaggerView, ListImportRowsQueryDto } from '@app/enterprises';
import { readSingleFile } from '../proposals/multipart-upload';

const importTooLarge = (maxBytes: number) =>
  new AppError(ErrorCode.IMPORT_FILE_TOO_LARGE, `An import file may be at most ${maxBytes} bytes.`, { maxBytes });

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
  @ApiOperation({
    summary: 'Upload a list (CSV or XLSX) for a dry run',
    description:
      'Columns (header names in English or Vietnamese, accents optional): tax_code, legal_name, address, unit (code or name), sectors, founded_on, activity_started_on, activity_evidence, status (active/suspended/ceased), status_date, source. Send the field `source` (where the list comes from) before the file. Nothing is written to the registry until the import is committed.',
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
  async upload(@CurrentUser() actor: AuthUser, @Req() request: FastifyRequest) {
    const file = await readSingleFile(request, this.config.get('IMPORT_MAX_BYTES'), importTooLarge);
    const source = nfc(file.fields.source ?? '').trim();
    if (!source || source.length > 500) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid.', [
        {
          field: 'source',
          errors: ['source (where the list comes from, up to 500 characters) is required, sent before the file'],
        },
      ]);
    }
    return this.imports.create(actor, file, source);
  }

  @Get()
  @ApiOkResponse({ type: ImportPage })
  list(@Query() query: PageQueryDto) {
    return this.imports.list(query);
  }

  /** Status and progress ("n of N rows") of the dry run or the commit, and the count per outcome. */
  @Get(':id')
  @ApiOkResponse({ type: ImportSwaggerView })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.imports.get(id);
  }

  /** The dry-run report: every row with its outcome, problems and unit suggestions. */
  @Get(':id/rows')
  @ApiOkResponse({ type: ImportRowPage })
  rows(@Param('id', ParseUUIDPipe) id: string, @Query() query: ListImportRowsQueryDto) {
    return this.imports.rows(id, query);
  }

  /** The whole report as a CSV file for Excel: row, outcome, tax code, unit, problems, suggested units. */
  @Get(':id/report.csv')
  @ApiProduces('text/csv')
  async report(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const csv = await this.imports.reportCsv(id);
    void reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${csv.filename}"`);
    return csv.body;
  }

  /** Writes the ready and updated rows (in the background); only a validated import, once. */
  @Post(':id/commit')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ImportSwaggerView })
  commit(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.imports.requestCommit(actor, id);
  }
}
