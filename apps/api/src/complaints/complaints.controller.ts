import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, PageOf, Public, Roles } from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import {
  AnswerComplaintDto,
  ComplaintsService,
  ComplaintView,
  DismissComplaintDto,
  FileComplaintDto,
  ReviewQueueQueryDto,
  StandstillService,
  UpholdComplaintDto,
} from '@app/complaints';

@ApiTags('complaints')
@Controller({ version: '1' })
export class ComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly standstill: StandstillService,
  ) {}

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get('problems/:id/standstill')
  @ApiDoc({
    summary: 'Read the standstill after the decision',
    description:
      'When the complaint period ends (working days of the city calendar), pending complaints, and whether the order may start.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_NOT_DECIDED],
  })
  getStandstill(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.standstill.view(viewer, id);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get('problems/:id/complaints')
  @ApiDoc({
    summary: 'List a problem’s complaints',
    description:
      'Decided complaints for everyone (the firm is named, no person); the department and admins see all; a firm also its own.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND],
  })
  listProblemComplaints(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.complaints.forProblem(viewer, id);
  }

  @ApiBearerAuth()
  @Roles('enterprise')
  @Post('problems/:id/complaints')
  @ApiDoc({
    summary: 'Complain about the decision',
    description:
      'A bidder, during the standstill (by the database clock), with its grounds. One pending complaint per firm per decision.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.COMPLAINT_PERIOD_CLOSED,
      ErrorCode.COMPLAINT_FORBIDDEN,
      ErrorCode.COMPLAINT_EXISTS,
    ],
  })
  fileComplaint(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: FileComplaintDto) {
    return this.complaints.file(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Get('complaints')
  @ApiDoc({
    summary: 'List complaints for review',
    description: 'The reviewing body’s queue: pending complaints (or those of one status), oldest first.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(ComplaintView) })
  listComplaintsForReview(@CurrentUser() user: AuthUser, @Query() query: ReviewQueueQueryDto) {
    return this.complaints.reviewQueue(user, query);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get('complaints/:id')
  @ApiDoc({
    summary: 'Read a complaint',
    description: 'Public once decided; before that only its firm, the department and admins.',
    errors: [ErrorCode.COMPLAINT_NOT_FOUND],
  })
  getComplaint(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.complaints.get(viewer, id);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('complaints/:id/answer')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Answer a complaint',
    description: 'The deciding department’s officers, once, before the reviewing body decides.',
    errors: [ErrorCode.COMPLAINT_NOT_FOUND, ErrorCode.COMPLAINT_FORBIDDEN, ErrorCode.COMPLAINT_STATUS_CONFLICT],
  })
  answerComplaint(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AnswerComplaintDto) {
    return this.complaints.answer(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('complaints/:id/uphold')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Uphold a complaint',
    description: 'The reviewing body, with a reason and a remedy: reopen the evaluation, or cancel the award (and the problem).',
    errors: [ErrorCode.COMPLAINT_NOT_FOUND, ErrorCode.COMPLAINT_FORBIDDEN, ErrorCode.COMPLAINT_STATUS_CONFLICT],
  })
  upholdComplaint(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpholdComplaintDto) {
    return this.complaints.uphold(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post('complaints/:id/dismiss')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Dismiss a complaint',
    description: 'The reviewing body, with a reason; the decision stands.',
    errors: [ErrorCode.COMPLAINT_NOT_FOUND, ErrorCode.COMPLAINT_FORBIDDEN, ErrorCode.COMPLAINT_STATUS_CONFLICT],
  })
  dismissComplaint(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DismissComplaintDto) {
    return this.complaints.dismiss(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('enterprise')
  @Post('complaints/:id/withdraw')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Withdraw a complaint',
    description: 'The complaining firm, before the reviewing body decides.',
    errors: [ErrorCode.COMPLAINT_NOT_FOUND, ErrorCode.COMPLAINT_FORBIDDEN, ErrorCode.COMPLAINT_STATUS_CONFLICT],
  })
  withdrawComplaint(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.complaints.withdraw(actor, id);
  }
}
