import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { sha256Hex } from '../hashing';
import { cityIso } from '../time/city-calendar';

/**
 * The one shape of a file kept in PostgreSQL next to what it belongs to (a problem's documents, a
 * complaint's evidence, a deliverable's files): its name, its type decided by the bytes, its size,
 * its SHA-256, the bytes and who uploaded it. Each owning library keeps writing its own table (table
 * ownership, libs/database/src/sql/ownership.ts); what they share is here: the checks before an
 * insert, the columns to insert, the description a list shows and the file a download returns.
 */

/** A file as the upload delivered it: the name already cleaned, the type sniffed (null: refused). */
export interface IncomingFile {
  fileName: string;
  mediaType: string | null;
  bytes: Buffer;
}

/** The columns a file's description is made of (not the bytes: only a download needs them). */
export const STORED_FILE_COLUMNS = ['id', 'file_name', 'media_type', 'size_bytes', 'sha256', 'created_at'] as const;

export interface StoredFileRow {
  id: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  created_at: Date;
}

/** What a list shows of a stored file (the views of the owning libraries have exactly these fields). */
export interface StoredFileDescription {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
}

export const storedFileView = (r: StoredFileRow): StoredFileDescription => ({
  id: r.id,
  fileName: r.file_name,
  mediaType: r.media_type,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  uploadedAt: cityIso(r.created_at),
});

/**
 * Checks an incoming file (a recognised type; room under the owner's cap, given the files it
 * already holds) and returns the columns every file table has, for the owner's own insert.
 */
export function storedFileValues(
  file: IncomingFile,
  uploadedBy: string,
  room: { count: number; max: number; full: ErrorCode },
): { file_name: string; media_type: string; size_bytes: number; sha256: string; content: Buffer; uploaded_by: string } {
  if (!file.mediaType) throw new AppError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED);
  if (room.count >= room.max) throw new AppError(room.full, { max: room.max }, { max: room.max });
  return {
    file_name: file.fileName,
    media_type: file.mediaType,
    size_bytes: file.bytes.length,
    sha256: sha256Hex(file.bytes),
    content: file.bytes,
    uploaded_by: uploadedBy,
  };
}

/** A download: the file's description and its bytes, or ATTACHMENT_NOT_FOUND. */
export function downloadableFile(
  row: (StoredFileRow & { content: Buffer }) | undefined,
): StoredFileDescription & { bytes: Buffer } {
  if (!row) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
  return { ...storedFileView(row), bytes: row.content };
}

/** Descriptions grouped by what they belong to (rows in display order, kept so within a group). */
export function groupStoredFiles<R extends StoredFileRow>(
  rows: R[],
  groupOf: (r: R) => string,
): Map<string, StoredFileDescription[]> {
  const groups = new Map<string, StoredFileDescription[]>();
  for (const r of rows) {
    const key = groupOf(r);
    groups.set(key, [...(groups.get(key) ?? []), storedFileView(r)]);
  }
  return groups;
}
