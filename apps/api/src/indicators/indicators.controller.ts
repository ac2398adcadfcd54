import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiDoc, ErrorCode, Language, Public, RequestLanguage } from '@app/common';
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
  MethodologyView,
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
  @ApiDoc({
    summary: 'Read the enterprise density indicator',
    description:
      'Digital-technology enterprises per 1,000 population on a date, for the city or by area or sector, with progress towards the target. JSON, or CSV with ?format=csv or Accept: text/csv.',
    errors: [
      ErrorCode.DATE_IN_FUTURE,
      ErrorCode.AREA_NOT_FOUND,
      ErrorCode.AREA_OUTSIDE_BOUNDARY,
      ErrorCode.AREA_POPULATION_NOT_FOUND,
    ],
  })
  async getDensitySnapshot(
    @Query() query: DensityQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @RequestLanguage() lang: Language,
  ) {
    return respond(reply, query.format, accept, await this.indicators.snapshot(query, lang), snapshotCsv);
  }

  /** What is counted, from which dates, boundaries, sources, vintages and revisions (vi default, ?lang=en or Accept-Language). */
  @Get('methodology')
  @ApiQuery({ name: 'lang', required: false, enum: METHODOLOGY_LANGUAGES })
  @ApiOkResponse({ type: MethodologyView })
  @ApiDoc({
    summary: 'Read how the indicator is computed',
    description:
      'What is counted, from which dates, the boundaries, the sources, vintages and revisions, with the live target and the population figures of the city boundaries. Vietnamese by default; ?lang=en or Accept-Language: en for English.',
    errors: [],
  })
  getIndicatorMethodology(
    @Query('lang') lang: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ) {
    return this.indicators.methodology(methodologyLanguage(lang, acceptLanguage));
  }

  /** Month-end values (today for the current month), at most 120 months. */
  @Get('series')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: DensitySeriesView })
  @ApiDoc({
    summary: 'Read the monthly indicator series',
    description:
      'Month-end values (today for the current month), at most 120 months. JSON, or CSV with ?format=csv or Accept: text/csv.',
    errors: [
      ErrorCode.DATE_IN_FUTURE,
      ErrorCode.SERIES_RANGE_INVALID,
      ErrorCode.AREA_NOT_FOUND,
      ErrorCode.AREA_POPULATION_NOT_FOUND,
    ],
  })
  async getDensitySeries(
    @Query() query: SeriesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(reply, query.format, accept, await this.indicators.series(query), seriesCsv);
  }

  /** The monthly series as an SVG line chart with the target line (default: the last 24 months). */
  @Get('chart')
  @ApiProduces('image/svg+xml')
  @ApiDoc({
    summary: 'Draw the indicator as a chart',
    description:
      'The monthly series as an SVG line chart with the target line (default: the last 24 months). Vietnamese by default; ?lang=en or Accept-Language: en for English.',
    errors: [
      ErrorCode.DATE_IN_FUTURE,
      ErrorCode.SERIES_RANGE_INVALID,
      ErrorCode.AREA_NOT_FOUND,
      ErrorCode.AREA_POPULATION_NOT_FOUND,
    ],
  })
  @ApiOkResponse({ description: 'An SVG line chart', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  async getDensityChart(
    @Query() query: ChartQueryDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { lang, ...range } = query;
    // An <img> cannot choose its Accept-Language, so ?lang= wins over the header.
    const svg = renderDensityChart(await this.indicators.series(range, 24), methodologyLanguage(lang, acceptLanguage));
    void reply.type('image/svg+xml; charset=utf-8');
    return svg;
  }
}
