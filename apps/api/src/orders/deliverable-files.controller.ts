import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AppConfig, AuthUser, CurrentUser, ErrorCode, Roles } from '@app/common';
import { DeliverableFileList, DeliverableFilesService, DeliverableFileView } from '@app/orders';
import { readStoredFileUpload, storedFileDownload } from '../proposals/multipart-upload';

const MILESTONE_ERRORS = [ErrorCode.ORDER_NOT_FOUND, ErrorCode.MILESTONE_NOT_FOUND, ErrorCode.ORDER_FORBIDDEN];
const PREPARING_ERRORS = [...MILESTONE_ERRORS, ErrorCode.ORDER_STATUS_CONFLICT, ErrorCode.MILESTONE_STATUS_CONFLICT];

/**
 * The files of a milestone's deliverable: the firm uploads them while it prepares a round, and they
 * go with the round it submits next. Only the order's parties see them; never public.
 */
@ApiTags('orders')
@ApiBearerAuth()
@Controller({ path: 'orders/:id/milestones/:milestoneId/files', version: '1' })
export class DeliverableFilesController {
  constructor(
    private readonly files: DeliverableFilesService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('enterprise')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiDoc({
    summary: 'Attach a file to the deliverable being prepared',
    description:
      'The order’s firm, while the milestone is open or returned (the round it prepares) and the order runs: PDF, DOCX, XLSX, ZIP, PNG or JPEG, recognised by content; at most ATTACHMENT_MAX_BYTES and 10 per round. The file goes with the next submission of the milestone.',
    errors: [
      ...PREPARING_ERRORS,
      ErrorCode.ATTACHMENT_TOO_LARGE,
      ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
      ErrorCode.DELIVERABLE_FILES_FULL,
    ],
  })
  async addDeliverableFile(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) orderId: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
    @Req() request: FastifyRequest,
  ): Promise<DeliverableFileView> {
    const file = await readStoredFileUpload(request, this.config.get('ATTACHMENT_MAX_BYTES'));
    return this.files.add(actor, orderId, milestoneId, file);
  }

  @Get()
  @Roles('officer', 'enterprise', 'admin')
  @ApiDoc({
    summary: 'List a milestone’s deliverable files',
    description:
      'The order’s parties and admins: every submitted round’s files; the firm also sees those of the round it is preparing (round null).',
    errors: MILESTONE_ERRORS,
  })
  listDeliverableFiles(
    @CurrentUser() viewer: AuthUser,
    @Param('id', ParseUUIDPipe) orderId: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
  ): Promise<DeliverableFileList> {
    return this.files.list(viewer, orderId, milestoneId);
  }

  @Get(':fileId')
  @Roles('officer', 'enterprise', 'admin')
  @ApiDoc({
    summary: 'Download a deliverable file',
    description:
      'The file as uploaded, with its name: the order’s parties and admins (a round in preparation only its firm). Staff downloads are audited.',
    errors: [...MILESTONE_ERRORS, ErrorCode.ATTACHMENT_NOT_FOUND],
  })
  @ApiOkResponse({
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async downloadDeliverableFile(
    @CurrentUser() viewer: AuthUser,
    @Param('id', ParseUUIDPipe) orderId: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
  ): Promise<StreamableFile> {
    return storedFileDownload(await this.files.download(viewer, orderId, milestoneId, fileId));
  }

  @Delete(':fileId')
  @Roles('enterprise')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Remove a file from the deliverable being prepared',
    description: 'The order’s firm, until it submits the round; a submitted round’s files stay as submitted.',
    errors: [...PREPARING_ERRORS, ErrorCode.ATTACHMENT_NOT_FOUND],
  })
  @ApiNoContentResponse()
  async removeDeliverableFile(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) orderId: string,
    @Param('milestoneId', ParseUUIDPipe) milestoneId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
  ): Promise<void> {
    await this.files.remove(actor, orderId, milestoneId, fileId);
  }
}
