import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, ErrorCode, Public } from '@app/common';
import { OcdsPackagesQueryDto, OcdsReleasesQueryDto, OcdsService } from '@app/ocds';

/** OCDS documents follow the Open Contracting Data Standard's own schema, not one of ours. */
const OCDS_PACKAGE = {
  description: 'An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/en/schema/release_package/)',
  schema: {
    type: 'object' as const,
    required: ['uri', 'publishedDate', 'publisher', 'version', 'releases'],
    properties: {
      uri: { type: 'string' as const },
      publishedDate: { type: 'string' as const, format: 'date-time' },
      publisher: { type: 'object' as const, additionalProperties: true },
      version: { type: 'string' as const },
      license: { type: 'string' as const },
      publicationPolicy: { type: 'string' as const },
      auditTreeHead: {
        type: 'object' as const,
        description: 'The audit log’s newest signed tree head (as GET /api/v1/audit/heads/latest), absent before the first',
        additionalProperties: true,
      },
      releases: { type: 'array' as const, items: { type: 'object' as const, additionalProperties: true } },
    },
    additionalProperties: true,
  },
};

@ApiTags('trust')
@Controller({ path: 'ocds', version: '1' })
export class OcdsController {
  constructor(private readonly ocds: OcdsService) {}

  @Public()
  @Get('releases')
  @ApiDoc({
    summary: 'Read one problem’s OCDS releases',
    description: 'Every OCDS 1.1 release published for a problem, as a release package.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND],
  })
  @ApiOkResponse(OCDS_PACKAGE)
  getOcdsReleasesForProblem(@Query() query: OcdsReleasesQueryDto) {
    return this.ocds.packageForProblem(query.problemId);
  }

  @Public()
  @Get('release-packages')
  @ApiDoc({
    summary: 'Read the OCDS releases of a period',
    description: 'An OCDS 1.1 release package of every release dated in [from, to); at most OCDS_PACKAGE_MAX_RELEASES releases.',
    errors: [ErrorCode.OCDS_RANGE_TOO_LARGE],
  })
  @ApiOkResponse(OCDS_PACKAGE)
  getOcdsReleasePackage(@Query() query: OcdsPackagesQueryDto) {
    return this.ocds.packageForRange(new Date(query.from), new Date(query.to));
  }
}
