import { Controller, Get, Param, ParseUUIDPipe, Post, Req, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AppConfig, AuthUser, CurrentUser, ErrorCode, Public, Roles } from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import { ComplaintAttachmentsService, ComplaintAttachmentView } from '@app/complaints';
import { readStoredFileUpload, storedFileDownload } from '../proposals/multipart-upload';

/** The evidence a firm attaches to its complaint: read with the complaint, by whoever may read it. */
@ApiTags('complaints')
@Controller({ path: 'complaints/:id/attachments', version: '1' })
export class ComplaintAttachmentsController {
  constructor(
    private readonly attachments: ComplaintAttachmentsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('enterprise')
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiDoc({
    summary: 'Attach a file to a complaint',
    description:
      'The complaining firm, while its complaint is pending and the standstill runs (by the database clock): PDF, DOCX, XLSX, ZIP, PNG or JPEG, recognised by content; at most ATTACHMENT_MAX_BYTES and 10 per complaint. Public with the complaint once it is decided.',
    errors: [
      ErrorCode.COMPLAINT_NOT_FOUND,
      ErrorCode.COMPLAINT_FORBIDDEN,
      ErrorCode.COMPLAINT_STATUS_CONFLICT,
      ErrorCode.COMPLAINT_PERIOD_CLOSED,
      ErrorCode.ATTACHMENT_TOO_LARGE,
      ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
      ErrorCode.COMPLAINT_ATTACHMENTS_FULL,
    ],
  })
  async addComplaintAttachment(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) complaintId: string,
    @Req() request: FastifyRequest,
  ): Promise<ComplaintAttachmentView> {
    return this.attachments.add(actor, complaintId, await readStoredFileUpload(request, this.config.get('ATTACHMENT_MAX_BYTES')));
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':attachmentId')
  @ApiDoc({
    summary: 'Download a complaint’s attachment',
    description: 'The file as uploaded, with its name: public once the complaint is decided, before that only its parties.',
    errors: [ErrorCode.COMPLAINT_NOT_FOUND, ErrorCode.ATTACHMENT_NOT_FOUND],
  })
  @ApiOkResponse({
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async downloadComplaintAttachment(
    @CurrentUser() viewer: AuthUser | undefined,
    @Param('id', ParseUUIDPipe) complaintId: string,
    @Param('attachmentId', ParseUUIDPipe) attachmentId: string,
  ): Promise<StreamableFile> {
    const file = await this.attachments.download(viewer, complaintId, attachmentId);
    return storedFileDownload(file);
  }
}
