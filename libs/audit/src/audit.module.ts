import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntry } from './audit-entry.entity';
import { AuditService } from './audit.service';
import { AuditSigner } from './audit-signer';
import { AuditTreeService } from './audit-tree.service';

/** Global: every feature records its state changes through the one AuditService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry])],
  providers: [AuditService, AuditTreeService, AuditSigner],
  exports: [AuditService, AuditTreeService, AuditSigner],
})
export class AuditModule {}
