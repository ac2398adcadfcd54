export * from './audit.module';
export * from './audit.service';
export * from './audit-tree.service';
export * from './audit-tree-views';
export * from './audit-signer';
export * from './merkle';
export type { Seal, SealScope } from './sealed-digest';
export { auditHash, GENESIS_HASH } from './audit-hash';
export { latestAuditActions } from './latest-actions';
