import { ProposalsRetention } from './retention';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalAttachmentsService } from './proposal-attachments.service';
import { ProposalOpeningService } from './proposal-opening.service';
import { ProposalReadingService } from './proposal-reading.service';
import { ProposalSubmissionsService } from './proposal-submissions.service';
import { BLOB_STORAGE } from './storage/blob-storage';
import { blobStorageFromConfig } from './storage/blob-storage.factory';

@Module({
  providers: [
    ProposalSubmissionsService,
    ProposalAttachmentsService,
    ProposalReadingService,
    ProposalOpeningService,
    ProposalsRetention,
    SealedKeyring,
    {
      provide: BLOB_STORAGE,
      inject: [AppConfig],
      useFactory: blobStorageFromConfig,
    },
  ],
  exports: [
    ProposalSubmissionsService,
    ProposalAttachmentsService,
    ProposalReadingService,
    ProposalOpeningService,
    ProposalsRetention,
    SealedKeyring,
    BLOB_STORAGE,
  ],
})
export class ProposalsModule {}
