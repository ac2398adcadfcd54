import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalsService } from './proposals.service';
import { BLOB_STORAGE, LocalDiskBlobStorage } from './storage/blob-storage';

@Module({
  providers: [
    ProposalsService,
    SealedKeyring,
    {
      provide: BLOB_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalDiskBlobStorage(config.get('STORAGE_DIR')),
    },
  ],
  exports: [ProposalsService, SealedKeyring],
})
export class ProposalsModule {}
