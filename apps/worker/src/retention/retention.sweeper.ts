import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, prunedRows } from '@app/common';
import { AuthService } from '@app/identity';
import { EnterpriseRegistrationService, MemberInvitationsService } from '@app/enterprises';
import { OperationsService } from '@app/jobs';
import { ProposalsRetention } from '@app/proposals';

/**
 * Every PRUNE_INTERVAL_MS (first run a minute after start), deletes what has outlived its
 * retention: delivered outbox rows, expired idempotency keys, expired tokens, unconfirmed registrations and
 * stale failed-login records, and attachment blobs no row refers to. Each kind is counted in pruned_total{kind}.
 * Several workers may sweep at once: every step is an idempotent DELETE.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly operations: OperationsService,
    private readonly auth: AuthService,
    private readonly proposals: ProposalsRetention,
    private readonly registrations: EnterpriseRegistrationService,
    private readonly invitations: MemberInvitationsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(Math.min(60_000, this.config.get('PRUNE_INTERVAL_MS')));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = this.sweep().then(
        (counts) => {
          const total = Object.values(counts).reduce((a, b) => a + b, 0);
          if (total) this.logger.log(`pruned ${JSON.stringify(counts)}`);
        },
        (err: unknown) => this.logger.warn(`retention sweep failed, will retry: ${String(err)}`),
      );
      void this.running.then(() => this.timer && this.schedule(this.config.get('PRUNE_INTERVAL_MS')));
    }, ms);
    this.timer.unref();
  }

  /** One sweep; returns what was removed, by kind. */
  async sweep(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {
      outbox: await this.operations.pruneDeliveredOutbox(this.config.get('OUTBOX_RETENTION_DAYS')),
      idempotency_keys: await this.proposals.pruneIdempotencyKeys(this.config.get('IDEMPOTENCY_RETENTION_HOURS')),
      tokens: await this.auth.pruneExpired(this.config.get('TOKEN_RETENTION_DAYS')),
      registration_requests: await this.registrations.pruneExpired(this.config.get('TOKEN_RETENTION_DAYS')),
      member_invitations: await this.invitations.pruneExpired(this.config.get('TOKEN_RETENTION_DAYS')),
      orphan_blobs: await this.proposals.pruneOrphanBlobs(this.config.get('ORPHAN_BLOB_GRACE_HOURS')),
    };
    for (const [kind, n] of Object.entries(counts)) prunedRows.inc({ kind }, n);
    return counts;
  }
}
