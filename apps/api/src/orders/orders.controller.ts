import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, PageOf, PageQueryDto, Public, Roles } from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import {
  AgreePlanDto,
  CatalogueEntryView,
  CatalogueQueryDto,
  CatalogueService,
  FirmStatementDto,
  OutcomeService,
  RecordOutcomeDto,
  ReorderDto,
  TrackRecordService,
  DeliveryService,
  OrdersService,
  OrderView,
  ProposeVariationDto,
  ReasonDto,
  SetPlanDto,
  SubmitDeliverableDto,
  VariationParams,
  VariationsService,
} from '@app/orders';

const MILESTONE_ERRORS = [
  ErrorCode.ORDER_NOT_FOUND,
  ErrorCode.MILESTONE_NOT_FOUND,
  ErrorCode.ORDER_FORBIDDEN,
  ErrorCode.ORDER_STATUS_CONFLICT,
  ErrorCode.MILESTONE_STATUS_CONFLICT,
];

@ApiTags('orders')
@Controller({ version: '1' })
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly delivery: DeliveryService,
    private readonly variations: VariationsService,
    private readonly outcomes: OutcomeService,
    private readonly catalogue: CatalogueService,
    private readonly trackRecords: TrackRecordService,
  ) {}

  @ApiBearerAuth()
  @Roles('officer')
  @Post('problems/:id/order')
  @ApiDoc({
    summary: 'Place the order with the winner',
    description:
      'The department’s officers, once the standstill has ended with no pending complaint: the order takes the winning bid’s price, duration and plan.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.PROBLEM_FORBIDDEN, ErrorCode.STANDSTILL_NOT_OVER, ErrorCode.ORDER_EXISTS],
  })
  placeOrder(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.create(actor, id);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get('problems/:id/order')
  @ApiDoc({
    summary: 'Read the problem’s order',
    description:
      'Public progress: milestones, due dates, amounts, status and overdue flags (the bid’s plan text only for the parties).',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.ORDER_NOT_FOUND],
  })
  getProblemOrder(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.forProblem(viewer, id);
  }

  @ApiBearerAuth()
  @Roles('enterprise', 'officer')
  @Get('me/orders')
  @ApiDoc({
    summary: 'List my orders',
    description: 'A firm’s orders, or an officer’s department’s, newest first.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(OrderView) })
  listMyOrders(@CurrentUser() actor: AuthUser, @Query() query: PageQueryDto) {
    return this.orders.mine(actor, query);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get('orders/:id')
  @ApiDoc({
    summary: 'Read an order',
    description: 'Public progress; the parties also see the bid’s plan text.',
    errors: [ErrorCode.ORDER_NOT_FOUND],
  })
  getOrder(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.get(viewer, id);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise')
  @Put('orders/:id/plan')
  @ApiDoc({
    summary: 'Propose the plan of milestones',
    description:
      'Either side, before work starts: every milestone (deliverable, due date, amount, KPIs). Amounts add up to the price; a staged order lists pilot then scale-up milestones. Each change is a new version and clears both agreements.',
    errors: [ErrorCode.ORDER_NOT_FOUND, ErrorCode.ORDER_FORBIDDEN, ErrorCode.ORDER_STATUS_CONFLICT, ErrorCode.ORDER_PLAN_INVALID],
  })
  setOrderPlan(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPlanDto) {
    return this.orders.setPlan(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise')
  @Post('orders/:id/agree')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Agree the plan of milestones',
    description:
      'Each side agrees the version it read; when both have agreed the same version the work starts (scale-up milestones locked until the pilot is accepted).',
    errors: [
      ErrorCode.ORDER_NOT_FOUND,
      ErrorCode.ORDER_FORBIDDEN,
      ErrorCode.ORDER_STATUS_CONFLICT,
      ErrorCode.ORDER_PLAN_VERSION_STALE,
    ],
  })
  agreeOrderPlan(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AgreePlanDto) {
    return this.orders.agree(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('orders/:id/terminate')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Terminate the order',
    description: 'The department’s officers, with a reason.',
    errors: [ErrorCode.ORDER_NOT_FOUND, ErrorCode.ORDER_FORBIDDEN, ErrorCode.ORDER_STATUS_CONFLICT],
  })
  terminateOrder(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto) {
    return this.orders.terminate(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('enterprise')
  @Post('orders/:id/milestones/:milestoneId/submissions')
  @ApiDoc({
    summary: 'Submit a milestone’s deliverable',
    description: 'The firm: the deliverable and one measured value with its evidence for each KPI of the milestone.',
    errors: [...MILESTONE_ERRORS, ErrorCode.MILESTONE_KPI_RESULTS_INVALID],
  })
  submitDeliverable(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
    @Body() dto: SubmitDeliverableDto,
  ) {
    return this.delivery.submit(actor, id, milestoneId, dto);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise', 'admin')
  @Get('orders/:id/milestones/:milestoneId/submissions')
  @ApiDoc({
    summary: 'List a milestone’s submissions',
    description: 'Every round with the department’s decision: the parties and admins.',
    errors: MILESTONE_ERRORS,
  })
  listDeliverableSubmissions(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
  ) {
    return this.delivery.submissions(actor, id, milestoneId);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('orders/:id/milestones/:milestoneId/accept')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Accept a milestone’s deliverable',
    description:
      'The ordering department’s officers. The last pilot milestone unlocks the scale-up; the last milestone completes the order.',
    errors: MILESTONE_ERRORS,
  })
  acceptDeliverable(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
  ) {
    return this.delivery.accept(actor, id, milestoneId);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('orders/:id/milestones/:milestoneId/return')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Return a milestone’s deliverable',
    description: 'The ordering department’s officers, with reasons, at most ORDER_MAX_RETURNS times per milestone.',
    errors: [...MILESTONE_ERRORS, ErrorCode.MILESTONE_RETURN_LIMIT],
  })
  returnDeliverable(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
    @Body() dto: ReasonDto,
  ) {
    return this.delivery.return(actor, id, milestoneId, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('orders/:id/milestones/:milestoneId/paid')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Record a milestone as paid',
    description:
      'The ordering department’s officers, once per accepted milestone: its amount paid now. Public, and an OCDS implementation transaction.',
    errors: MILESTONE_ERRORS,
  })
  markMilestonePaid(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
  ) {
    return this.delivery.markPaid(actor, id, milestoneId);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise')
  @Post('orders/:id/variations')
  @ApiDoc({
    summary: 'Propose a variation',
    description:
      'Either side, once work has started: numbered changes to milestones not yet accepted, with a reason. One pending at a time.',
    errors: [
      ErrorCode.ORDER_NOT_FOUND,
      ErrorCode.ORDER_FORBIDDEN,
      ErrorCode.ORDER_STATUS_CONFLICT,
      ErrorCode.VARIATION_PENDING,
      ErrorCode.VARIATION_INVALID,
    ],
  })
  proposeVariation(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ProposeVariationDto) {
    return this.variations.propose(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise', 'admin')
  @Get('orders/:id/variations')
  @ApiDoc({
    summary: 'List an order’s variations',
    description: 'Every variation with its answer: the parties and admins.',
    errors: [ErrorCode.ORDER_NOT_FOUND, ErrorCode.ORDER_FORBIDDEN],
  })
  listVariations(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.variations.list(actor, id);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise')
  @Post('orders/:id/variations/:number/agree')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Agree a variation',
    description: 'The other side only; the changes apply at once.',
    errors: [
      ErrorCode.ORDER_NOT_FOUND,
      ErrorCode.ORDER_FORBIDDEN,
      ErrorCode.VARIATION_NOT_FOUND,
      ErrorCode.VARIATION_FORBIDDEN,
      ErrorCode.VARIATION_STATUS_CONFLICT,
      ErrorCode.VARIATION_INVALID,
      ErrorCode.ORDER_STATUS_CONFLICT,
    ],
  })
  agreeVariation(@CurrentUser() actor: AuthUser, @Param() { id, number }: VariationParams) {
    return this.variations.agree(actor, id, number);
  }

  @ApiBearerAuth()
  @Roles('officer', 'enterprise')
  @Post('orders/:id/variations/:number/reject')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Reject a variation',
    description: 'The other side only, with a reason.',
    errors: [
      ErrorCode.ORDER_NOT_FOUND,
      ErrorCode.ORDER_FORBIDDEN,
      ErrorCode.VARIATION_NOT_FOUND,
      ErrorCode.VARIATION_FORBIDDEN,
      ErrorCode.VARIATION_STATUS_CONFLICT,
      ErrorCode.ORDER_STATUS_CONFLICT,
    ],
  })
  rejectVariation(@CurrentUser() actor: AuthUser, @Param() { id, number }: VariationParams, @Body() dto: ReasonDto) {
    return this.variations.reject(actor, id, number, dto);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('orders/:id/outcome')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Record the outcome',
    description:
      'The ordering department, once the order is completed (or terminated): per KPI of the problem the baseline, target and achieved value, and "was the bottleneck solved?" (yes, partly, no) with a public explanation. Once.',
    errors: [
      ErrorCode.ORDER_NOT_FOUND,
      ErrorCode.ORDER_FORBIDDEN,
      ErrorCode.ORDER_STATUS_CONFLICT,
      ErrorCode.OUTCOME_EXISTS,
      ErrorCode.OUTCOME_KPIS_INVALID,
    ],
  })
  recordOutcome(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RecordOutcomeDto) {
    return this.outcomes.record(actor, id, dto);
  }

  @ApiBearerAuth()
  @Roles('enterprise')
  @Post('orders/:id/outcome/statement')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Add the firm’s statement on the outcome',
    description: 'The firm that carried out the order, once the outcome is recorded; a later statement replaces the earlier one.',
    errors: [ErrorCode.ORDER_NOT_FOUND, ErrorCode.ORDER_FORBIDDEN, ErrorCode.OUTCOME_NOT_RECORDED],
  })
  addFirmStatement(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: FirmStatementDto) {
    return this.outcomes.statement(actor, id, dto);
  }

  @Public()
  @Get('catalogue')
  @ApiDoc({
    summary: 'List the catalogue of proven solutions',
    description: 'Completed orders whose department answered that the bottleneck was solved or partly solved, newest first.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(CatalogueEntryView) })
  listCatalogue(@Query() query: CatalogueQueryDto) {
    return this.catalogue.list(query);
  }

  @Public()
  @Get('catalogue/:orderId')
  @ApiDoc({
    summary: 'Read a catalogue entry',
    description: 'The solution, the firm, price, KPIs achieved and the department that used it.',
    errors: [ErrorCode.CATALOGUE_ENTRY_NOT_FOUND],
  })
  getCatalogueEntry(@Param('orderId', ParseUUIDPipe) orderId: string) {
    return this.catalogue.get(orderId);
  }

  @ApiBearerAuth()
  @Roles('officer')
  @Post('catalogue/:orderId/reorders')
  @ApiDoc({
    summary: 'Re-order a proven solution directly',
    description:
      'An officer orders the same solution from the same firm, citing the entry, with a written justification and a price no higher than REORDER_PRICE_CEILING_PERCENT of the original. The new order is then agreed and delivered like any other.',
    errors: [ErrorCode.CATALOGUE_ENTRY_NOT_FOUND, ErrorCode.REORDER_PRICE_ABOVE_CEILING, ErrorCode.ENTERPRISE_NOT_VERIFIED],
  })
  reorderFromCatalogue(
    @CurrentUser() actor: AuthUser,
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Body() dto: ReorderDto,
  ) {
    return this.catalogue.reorder(actor, orderId, dto);
  }

  @Public()
  @Get('enterprises/:id/track-record')
  @ApiDoc({
    summary: 'Read a firm’s track record',
    description:
      'From its orders: delivered orders, on-time rate of accepted milestones, KPI achievement and the departments’ answers.',
    errors: [ErrorCode.ENTERPRISE_NOT_FOUND],
  })
  getTrackRecord(@Param('id', ParseUUIDPipe) id: string) {
    return this.trackRecords.of(id);
  }
}
