import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ActivitySnapshotsService } from '@app/enterprises';

/**
 * How often the worker folds new indicator deltas into the monthly snapshots. Answers are exact at
 * any interval (they add the deltas not yet folded); a shorter one only keeps that part small.
 */
export const ACTIVITY_FOLD_INTERVAL_MS = 5_000;

/** Every ACTIVITY_FOLD_INTERVAL_MS: folds the indicator deltas committed since the last round. */
@Injectable()
export class ActivityFoldScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActivityFoldScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly snapshots: ActivitySnapshotsService) {}

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
      this.running = this.snapshots
        .fold()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn(`indicator fold failed, will retry: ${String(err)}`));
      void this.running.then(() => this.timer && this.schedule(ACTIVITY_FOLD_INTERVAL_MS));
    }, ms);
    this.timer.unref();
  }
}
