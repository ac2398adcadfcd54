import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@app/common';
import { MatchingService, RankingQueryDto, UpdateSubscriptionsDto } from '@app/problems';

/** The firm's own view of the marketplace: what fits it, and what it wants to hear about. */
@ApiTags('matching')
@ApiBearerAuth()
@Roles('enterprise')
@Controller({ path: 'me', version: '1' })
export class MeMatchingController {
  constructor(private readonly matching: MatchingService) {}

  @Get('recommended-problems')
  recommended(@CurrentUser() actor: AuthUser, @Query() query: RankingQueryDto) {
    return this.matching.recommendedProblems(actor, query.limit);
  }

  @Get('subscriptions')
  subscriptions(@CurrentUser() actor: AuthUser) {
    return this.matching.getSubscriptions(actor);
  }

  @Put('subscriptions')
  putSubscriptions(@CurrentUser() actor: AuthUser, @Body() dto: UpdateSubscriptionsDto) {
    return this.matching.putSubscriptions(actor, dto);
  }
}
