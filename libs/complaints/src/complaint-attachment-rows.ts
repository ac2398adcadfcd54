import { EntityManager } from 'typeorm';
import { groupStoredFiles, STORED_FILE_COLUMNS } from '@app/common';
import { db } from '@app/database';
import { ComplaintAttachmentView } from './dto/complaint.dto';

/** Enough for the evidence of one complaint; a larger file set goes in one ZIP. */
export const MAX_COMPLAINT_ATTACHMENTS = 10;

/** The attachments of the given complaints, by complaint, oldest first (descriptions only, no bytes). */
export async function attachmentsOf(manager: EntityManager, ids: string[]): Promise<Map<string, ComplaintAttachmentView[]>> {
  if (ids.length === 0) return new Map();
  const rows = await db(manager)
    .selectFrom('complaint_attachments')
    .select([...STORED_FILE_COLUMNS, 'complaint_id'])
    .where('complaint_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return groupStoredFiles(rows, (r) => r.complaint_id);
}
