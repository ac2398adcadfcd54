import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { AppConfig, AppError, AuthUser, ErrorCode, sha256Hex } from '@app/common';
import { AuditService } from '@app/audit';

import { cleanFileName, sniffAttachmentType } from './attachment-types';
import { openFileStreamed, pack, sealFileStreamed, unpack } from './crypto/crypto-envelope';
import { SealedKeyring } from './crypto/sealed-keyring';
import { attachmentAad } from './sealed-content';
import { BLOB_STORAGE, BlobStorage } from './storage/blob-storage';
import { AttachmentView, DownloadedAttachment, keysOf } from './proposal-views';
import { attachmentTooLarge, bidsSeal, bidTransaction, firmOf, problemOpenToFirm } from './proposal-records';
import { ProposalReadingService } from './proposal-reading.service';

/** A firm's encrypted attachments: uploaded before the deadline, downloaded by whoever may read the proposal. */
@Injectable()
export class ProposalAttachmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyring: SealedKeyring,
    private readonly audit: AuditService,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly config: AppConfig,
    private readonly reading: ProposalReadingService,
  ) {}

  async uploadAttachment(
    user: AuthUser,
    problemId: string,
    file: { fileName?: string; bytes: Buffer },
    receivedMark: number = performance.now(),
  ): Promise<AttachmentView> {
    const enterpriseId = firmOf(user);
    const maxBytes = this.config.get('ATTACHMENT_MAX_BYTES');
    if (file.bytes.length > maxBytes) throw attachmentTooLarge(maxBytes);
    if (file.bytes.length === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'emptyFile' });
    const mediaType = sniffAttachmentType(file.bytes);
    if (!mediaType) {
      throw new AppError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED);
    }
    const fileName = cleanFileName(file.fileName);
    const sha256 = sha256Hex(file.bytes);
    const id = randomUUID();
    // The storage key says nothing about the problem or the firm.
    const storageKey = `attachments/${id.slice(0, 2)}/${id}`;
    let stored = false;
    try {
      return await bidTransaction(this.dataSource, async (manager) => {
        // Files are part of a bid: a firm not verified, or not invited to a mini-competition, cannot store them either.
        const problem = await problemOpenToFirm(manager, problemId, enterpriseId, receivedMark);
        const recipients = await this.keyring.recipientsFor(manager, problem, enterpriseId);
        // Encrypted piece by piece into the store: the plaintext upload is the one whole copy in memory.
        const sealed = await sealFileStreamed(
          recipients,
          attachmentAad(id),
          file.bytes,
          Buffer.from(fileName, 'utf8'),
          (ciphertext) => this.blobs.put(storageKey, ciphertext),
        );
        stored = true;
        // The insert's deadline trigger re-checks at COMMIT.
        await db(manager)
          .insertInto('proposal_attachments')
          .values({
            id,
            problem_id: problemId,
            enterprise_id: enterpriseId,
            uploaded_by: user.id,
            file_name_ciphertext: pack(sealed.name),
            media_type: mediaType,
            size_bytes: file.bytes.length,
            content_sha256: sha256,
            storage_key: storageKey,
            iv: sealed.file.iv,
            auth_tag: sealed.file.tag,
            key_for_problem: sealed.keys.keyForProblem,
            key_for_bidder: sealed.keys.keyForBidder,
            created_at: problem.received_at,
          })
          .execute();
        await this.audit.recordSealed(manager, bidsSeal(problemId), {
          actor: user,
          action: 'proposal.attachment_uploaded',
          entityType: 'proposal_attachment',
          entityId: id,
          after: { sha256 },
        });
        return { id, fileName, mediaType, sizeBytes: file.bytes.length, sha256 };
      });
    } catch (err) {
      if (stored) await this.blobs.delete(storageKey).catch(() => undefined);
      throw err;
    }
  }

  async downloadAttachment(user: AuthUser, proposalId: string, attachmentId: string): Promise<DownloadedAttachment> {
    return this.dataSource.transaction(async (manager) => {
      const access = await this.reading.authorizeRead(manager, user, proposalId);
      const row = await db(manager)
        .selectFrom('proposal_attachments')
        .selectAll()
        .where('id', '=', attachmentId)
        .where('proposal_id', '=', proposalId)
        .executeTakeFirst();
      if (!row) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
      const opener = await this.reading.openerFor(manager, access);
      const opened = await openFileStreamed(
        opener,
        keysOf(row),
        attachmentAad(row.id),
        { iv: row.iv, tag: row.auth_tag, sizeBytes: Number(row.size_bytes), ciphertext: await this.blobs.open(row.storage_key) },
        unpack(row.file_name_ciphertext),
      );
      const { bytes, name } = opened;
      if (sha256Hex(bytes) !== row.content_sha256) throw new Error(`Attachment ${row.id} fails its hash`);
      return { fileName: name.toString('utf8'), mediaType: row.media_type, bytes };
    });
  }
}
