import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, Roles } from '@app/common';
import { MiniCompetitionService, StartMiniCompetitionDto } from '@app/orders';
import { ProblemView } from '@app/problems';

@ApiTags('orders')
@Controller({ version: '1' })
export class MiniCompetitionsController {
  constructor(private readonly miniCompetitions: MiniCompetitionService) {}

  @ApiBearerAuth()
  @Roles('officer')
  @Post('catalogue/mini-competitions')
  @ApiDoc({
    summary: 'Start a mini-competition among catalogue firms',
    description:
      'An officer of any department picks catalogue entries of one kind of bottleneck (the same sector) from at least two verified firms and writes why. The answer is a draft problem prefilled from the newest entry, restricted to those firms: edit it, then publish it as any problem. The firms are fixed from here on; they are invited when it is published, and no other firm may bid (NOT_INVITED_TO_BID). For one firm, use the direct re-order.',
    errors: [
      ErrorCode.CATALOGUE_ENTRY_NOT_FOUND,
      ErrorCode.MINI_COMPETITION_MIXED_KINDS,
      ErrorCode.MINI_COMPETITION_TOO_FEW_FIRMS,
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      ErrorCode.PROBLEM_FORBIDDEN,
    ],
  })
  startMiniCompetition(@CurrentUser() actor: AuthUser, @Body() dto: StartMiniCompetitionDto): Promise<ProblemView> {
    return this.miniCompetitions.start(actor, dto);
  }
}
