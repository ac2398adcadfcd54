import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/common';
import {
  ChartQueryDto,
  CsvExport,
  DensityQueryDto,
  DensitySeriesView,
  DensitySnapshotView,
  ExportFormat,
  IndicatorsService,
  METHODOLOGY_LANGUAGES,
  methodologyLanguage,
  renderDensityChart,
  seriesCsv,
  SeriesQueryDto,
  snapshotCsv,
} from '@app/indicators';

/** JSON unless asked for CSV by ?format=csv or an Accept header naming text/csv; ?format wins. */
function respond<T>(
  reply: FastifyReply,
  format: ExportFormat | undefined,
  accept: string | undefined,
  view: T,
  toCsv: (v: T) => CsvExport,
) {
  void reply.header('Vary', 'Accept');
  if (!(format ? format === 'csv' : /\btext\/csv\b/i.test(accept ?? ''))) return view;
  const csv = toCsv(view);
  void reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${csv.filename}"`);
  return csv.body;
}

/** The public density indicator: no login, computed from the registry's dated history. */
@ApiTags('indicators')
@Public()
@Controller({ path: 'indicators/enterprise-density', version: '1' })
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: DensitySnapshotView })
  async snapshot(
    @Query() query: DensityQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(reply, query.format, accept, await this.indicators.snapshot(query), snapshotCsv);
  }

  /** What is counted, from which dates, boundaries, sources, vintages and revisions (vi default, ?lang=en or Accept-Language). */
  @Get('methodology')
  @ApiQuery({ name: 'lang', required: false, enum: METHODOLOGY_LANGUAGES })
  @ApiOkResponse({
    description: '{language, title, target, boundaryChangeDate, sections:[{key, heading, body[]}], cityPopulations, endpoints}',
  })
  methodology(@Query('lang') lang: string | undefined, @Headers('accept-language') acceptLanguage: string | undefined) {
    return this.indicators.methodology(methodologyLanguage(lang, acceptLanguage));
  }

  /** Month-end values (today for the current month), at most 120 months. */
  @Get('series')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: DensitySeriesView })
  async series(
    @Query() query: SeriesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(reply, query.format, accept, await this.indicators.series(query), seriesCsv);
  }

  /** The monthly series as an SVG line chart with the target line (default: the last 24 months). */
  @Get('chart')
  @ApiProduces('image/svg+xml')
  async chart(@Query() query: ChartQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const svg = renderDensityChart(await this.indicators.series(query, 24));
    void reply.type('image/svg+xml; charset=utf-8');
    return svg;
  }
}
