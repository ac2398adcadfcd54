import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { AuditTreeService } from '@app/audit';

/**
 * Every AUDIT_TREE_INTERVAL_MS: chains the audit rows committed since (commit order), extends the
 * Merkle tree, signs a new head when it grew, and verifies incrementally from the last head it
 * verified (only the new entries are rehashed). Several workers may run: the builders take one
 * advisory lock between themselves; requests never take it.
 */
@Injectable()
export class AuditTreeScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditTreeScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private verifiedUpTo = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly tree: AuditTreeService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = this.tick().catch((err: unknown) => this.logger.warn(`audit tree round failed, will retry: ${String(err)}`));
      void this.running.then(() => this.timer && this.schedule(this.config.get('AUDIT_TREE_INTERVAL_MS')));
    }, ms);
    this.timer.unref();
  }

  async tick(): Promise<void> {
    const head = await this.tree.publish();
    if (!head) return;
    const result = await this.tree.verify(this.verifiedUpTo > 0 ? { from: this.verifiedUpTo } : {});
    if (result.valid) this.verifiedUpTo = head.treeSize;
    else
      this.logger.error(
        `audit log verification failed: ${JSON.stringify({ firstBroken: result.firstBroken, heads: result.heads })}`,
      );
  }
}
