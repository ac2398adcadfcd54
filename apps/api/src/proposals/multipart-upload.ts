import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode, Msg } from '@app/common';

const FIELD = 'file';

/**
 * Reads the one file of a multipart/form-data request into memory, refusing more than
 * `maxBytes` (the bytes are sealed as a whole, so they are held once anyway).
 */
export async function readSingleFile(request: FastifyRequest, maxBytes: number): Promise<{ fileName: string; bytes: Buffer }> {
  if (!request.isMultipart()) throw badUpload();
  let file: MultipartFile | undefined;
  try {
    file = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
  } catch (err) {
    throw mapMultipartError(err, maxBytes);
  }
  if (!file || file.fieldname !== FIELD) throw badUpload();
  let bytes: Buffer;
  try {
    bytes = await file.toBuffer();
  } catch (err) {
    throw mapMultipartError(err, maxBytes);
  }
  if (file.file.truncated) throw tooLarge(maxBytes);
  return { fileName: file.filename, bytes };
}

function badUpload(): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, { context: 'multipart', field: FIELD }, [
    { field: FIELD, errors: [new Msg('validation.fileRequired')] },
  ]);
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.ATTACHMENT_TOO_LARGE, { maxBytes }, { maxBytes });
}

function mapMultipartError(err: unknown, maxBytes: number): unknown {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (typeof code === 'string' && code.startsWith('FST_')) return badUpload();
  return err;
}
