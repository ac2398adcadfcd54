import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, Roles } from '@app/common';
import { FollowsService, MatchingService, RankingQueryDto, UpdateSubscriptionsDto } from '@app/problems';

/** The firm's own view of the marketplace: what fits it, and what it wants to hear about. */
@ApiTags('matching')
@ApiBearerAuth()
@Roles('enterprise')
@Controller({ path: 'me', version: '1' })
export class MeMatchingController {
  constructor(
    private readonly matching: MatchingService,
    private readonly follows: FollowsService,
  ) {}

  @Get('recommended-problems')
  @ApiDoc({
    summary: 'List problems recommended for my firm',
    description: 'Open problems ranked by how well they match the firm’s sectors, tags and follows.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND, ErrorCode.INVALID_CURSOR],
  })
  listRecommendedProblems(@CurrentUser() actor: AuthUser, @Query() query: RankingQueryDto) {
    return this.matching.recommendedProblems(actor, query.limit);
  }

  @Get('subscriptions')
  @ApiDoc({
    summary: 'Read my firm’s subscriptions',
    description: 'The sectors and keywords the firm is told about when a matching problem is published.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  getSubscriptions(@CurrentUser() actor: AuthUser) {
    return this.follows.getSubscriptions(actor);
  }

  @Put('subscriptions')
  @ApiDoc({
    summary: 'Set my firm’s subscriptions',
    description: 'Replaces the sectors and keywords the firm follows.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  setSubscriptions(@CurrentUser() actor: AuthUser, @Body() dto: UpdateSubscriptionsDto) {
    return this.follows.putSubscriptions(actor, dto);
  }
}
