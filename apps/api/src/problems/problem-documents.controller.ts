import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AppConfig, AuthUser, CurrentUser, ErrorCode, Public, Roles } from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import { ProblemDocumentsService, ProblemDocumentView } from '@app/problems';
import { readStoredFileUpload, storedFileDownload } from '../proposals/multipart-upload';

/** The documents a department publishes with a problem: public with it, frozen once published. */
@ApiTags('problems')
@Controller({ path: 'problems/:id/documents', version: '1' })
export class ProblemDocumentsController {
  constructor(
    private readonly documents: ProblemDocumentsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('officer')
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiDoc({
    summary: 'Attach a document to a draft problem',
    description:
      'The department’s officers attach documents (terms of reference, data samples, maps) while the problem is a draft: PDF, DOCX, XLSX, ZIP, PNG or JPEG, recognised by content; at most ATTACHMENT_MAX_BYTES and 20 per problem. Published with the problem and public from then on.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_NOT_EDITABLE,
      ErrorCode.ATTACHMENT_TOO_LARGE,
      ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
      ErrorCode.PROBLEM_DOCUMENTS_FULL,
    ],
  })
  async add(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Req() request: FastifyRequest,
  ): Promise<ProblemDocumentView> {
    return this.documents.add(actor, problemId, await readStoredFileUpload(request, this.config.get('ATTACHMENT_MAX_BYTES')));
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get()
  @ApiDoc({
    summary: 'List a problem’s documents',
    description:
      'Everyone, once the problem is published; a draft’s documents only for its department’s officers and the admins.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND],
  })
  @ApiOkResponse({ type: [ProblemDocumentView] })
  list(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) problemId: string) {
    return this.documents.list(viewer, problemId);
  }

  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':documentId')
  @ApiDoc({
    summary: 'Download a problem’s document',
    description: 'The file as uploaded, with its name; visible to whoever may see the problem.',
    errors: [ErrorCode.PROBLEM_NOT_FOUND, ErrorCode.ATTACHMENT_NOT_FOUND],
  })
  @ApiOkResponse({
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async download(
    @CurrentUser() viewer: AuthUser | undefined,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Param('documentId', ParseUUIDPipe) documentId: string,
  ): Promise<StreamableFile> {
    const file = await this.documents.download(viewer, problemId, documentId);
    return storedFileDownload(file);
  }

  @Delete(':documentId')
  @Roles('officer')
  @ApiBearerAuth()
  @HttpCode(204)
  @ApiDoc({
    summary: 'Remove a document from a draft problem',
    description: 'Only while the problem is a draft; a published problem’s documents stay as published.',
    errors: [
      ErrorCode.PROBLEM_NOT_FOUND,
      ErrorCode.PROBLEM_FORBIDDEN,
      ErrorCode.PROBLEM_NOT_EDITABLE,
      ErrorCode.ATTACHMENT_NOT_FOUND,
    ],
  })
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) problemId: string,
    @Param('documentId', ParseUUIDPipe) documentId: string,
  ): Promise<void> {
    await this.documents.remove(actor, problemId, documentId);
  }
}
