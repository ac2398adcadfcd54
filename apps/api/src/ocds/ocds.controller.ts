import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/common';
import { OcdsPackagesQueryDto, OcdsReleasesQueryDto, OcdsService } from '@app/ocds';

@ApiTags('trust')
@Controller({ path: 'ocds', version: '1' })
export class OcdsController {
  constructor(private readonly ocds: OcdsService) {}

  @Public()
  @Get('releases')
  @ApiOperation({ summary: "One problem's OCDS 1.1 releases, as a release package" })
  releases(@Query() query: OcdsReleasesQueryDto) {
    return this.ocds.packageForProblem(query.problemId);
  }

  @Public()
  @Get('release-packages')
  @ApiOperation({
    summary: 'OCDS 1.1 release package of every release dated in [from, to)',
    description:
      'At most OCDS_PACKAGE_MAX_RELEASES releases (default 1000); a larger range is refused with 400 OCDS_RANGE_TOO_LARGE.',
  })
  packages(@Query() query: OcdsPackagesQueryDto) {
    return this.ocds.packageForRange(new Date(query.from), new Date(query.to));
  }
}
