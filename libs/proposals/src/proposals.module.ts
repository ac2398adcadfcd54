import { ProposalsRetention } from './retention';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalsService } from './proposals.service';
import { BLOB_STORAGE, LocalDiskBlobStorage } from './storage/blob-storage';

@Module({
  providers: [
    ProposalsService,
    ProposalsRetention,
    SealedKeyring,
    {
      provide: BLOB_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalDiskBlobStorage(config.get('STORAGE_DIR')),
    },
  ],
  exports: [ProposalsService, ProposalsRetention, SealedKeyring],
})
export class ProposalsModule {}
