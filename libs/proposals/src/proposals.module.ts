import { ProposalsRetention } from './retention';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalsService } from './proposals.service';
import { BLOB_STORAGE } from './storage/blob-storage';
import { blobStorageFromConfig } from './storage/blob-storage.factory';

@Module({
  providers: [
    ProposalsService,
    ProposalsRetention,
    SealedKeyring,
    {
      provide: BLOB_STORAGE,
      inject: [AppConfig],
      useFactory: blobStorageFromConfig,
    },
  ],
  exports: [ProposalsService, ProposalsRetention, SealedKeyring, BLOB_STORAGE],
})
export class ProposalsModule {}
