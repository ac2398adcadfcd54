import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuditSigner } from './audit-signer';
import { AuditTreeService } from './audit-tree.service';

/** Global: every feature records its state changes through the one AuditService. */
@Global()
@Module({
  providers: [AuditService, AuditTreeService, AuditSigner],
  exports: [AuditService, AuditTreeService, AuditSigner],
})
export class AuditModule {}
