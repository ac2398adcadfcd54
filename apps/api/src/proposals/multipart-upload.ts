import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { StreamableFile } from '@nestjs/common';
import { AppError, ErrorCode, IncomingFile, Msg } from '@app/common';
import { invalidCharacters, isStorableText } from '@app/common/http';
import { cleanFileName, sniffAttachmentType } from '@app/proposals';

const FIELD = 'file';

/**
 * Reads the one file of a multipart/form-data request into memory, refusing more than
 * `maxBytes` (the bytes are sealed as a whole, so they are held once anyway). Text fields sent
 * before the file come back in `fields`.
 */
export async function readSingleFile(
  request: FastifyRequest,
  maxBytes: number,
  tooLargeError: (maxBytes: number) => AppError = tooLarge,
): Promise<{ fileName: string; bytes: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw badUpload();
  let file: MultipartFile | undefined;
  try {
    file = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
  } catch (err) {
    throw mapMultipartError(err, maxBytes, tooLargeError);
  }
  if (!file || file.fieldname !== FIELD) throw badUpload();
  let bytes: Buffer;
  try {
    bytes = await file.toBuffer();
  } catch (err) {
    throw mapMultipartError(err, maxBytes, tooLargeError);
  }
  if (file.file.truncated) throw tooLargeError(maxBytes);
  if (!isStorableText(file.filename)) throw invalidCharacters('file.filename');
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(file.fields)) {
    const one = Array.isArray(field) ? field[0] : field;
    if (one && one.type === 'field' && typeof one.value === 'string') fields[name] = one.value;
  }
  return { fileName: file.filename, bytes, fields };
}

function badUpload(): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, { context: 'multipart', field: FIELD }, [
    { field: FIELD, errors: [new Msg('validation.fileRequired')] },
  ]);
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.ATTACHMENT_TOO_LARGE, { maxBytes }, { maxBytes });
}

function mapMultipartError(err: unknown, maxBytes: number, tooLargeError: (maxBytes: number) => AppError): unknown {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLargeError(maxBytes);
  // Anything else while reading the parts is a malformed request (no boundary, a truncated body,
  // a bad part header): the client's doing, so a 400, not a 500.
  return err instanceof AppError ? err : badUpload();
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name (Vietnamese file names survive). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * The one file of an upload as the stored-file tables take it (problem documents, complaint
 * evidence, deliverable files): at most `maxBytes`, the name cleaned, the type decided by the bytes.
 */
export async function readStoredFileUpload(request: FastifyRequest, maxBytes: number): Promise<IncomingFile> {
  const file = await readSingleFile(request, maxBytes);
  return { fileName: cleanFileName(file.fileName), mediaType: sniffAttachmentType(file.bytes), bytes: file.bytes };
}

/** A stored file sent back as a download, under its own name. */
export function storedFileDownload(file: { fileName: string; mediaType: string; bytes: Buffer }): StreamableFile {
  return new StreamableFile(file.bytes, {
    type: file.mediaType,
    disposition: contentDisposition(file.fileName),
    length: file.bytes.length,
  });
}
