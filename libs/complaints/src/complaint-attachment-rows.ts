import { EntityManager } from 'typeorm';
import { cityIso } from '@app/common';
import { db } from '@app/database';
import { ComplaintAttachmentView } from './dto/complaint.dto';

/** Enough for the evidence of one complaint; a larger file set goes in one ZIP. */
export const MAX_COMPLAINT_ATTACHMENTS = 10;

export interface AttachmentRow {
  id: string;
  complaint_id: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  created_at: Date;
}

export const ATTACHMENT_COLUMNS = [
  'id',
  'complaint_id',
  'file_name',
  'media_type',
  'size_bytes',
  'sha256',
  'created_at',
] as const;

export const attachmentView = (r: AttachmentRow): ComplaintAttachmentView => ({
  id: r.id,
  fileName: r.file_name,
  mediaType: r.media_type,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  uploadedAt: cityIso(r.created_at),
});

/** The attachments of the given complaints, by complaint, oldest first (descriptions only, no bytes). */
export async function attachmentsOf(manager: EntityManager, ids: string[]): Promise<Map<string, ComplaintAttachmentView[]>> {
  const byComplaint = new Map<string, ComplaintAttachmentView[]>();
  if (ids.length === 0) return byComplaint;
  const rows = await db(manager)
    .selectFrom('complaint_attachments')
    .select(ATTACHMENT_COLUMNS)
    .where('complaint_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) byComplaint.set(r.complaint_id, [...(byComplaint.get(r.complaint_id) ?? []), attachmentView(r)]);
  return byComplaint;
}
