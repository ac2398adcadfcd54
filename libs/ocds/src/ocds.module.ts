import { Module } from '@nestjs/common';
import { OcdsService } from './ocds.service';

/** OCDS releases: written by the problems and evaluation libs in their transactions, read by the public API. */
@Module({
  providers: [OcdsService],
  exports: [OcdsService],
})
export class OcdsModule {}
