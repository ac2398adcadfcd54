import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { IMPORT_JOBS, ImportJobName, ImportJobPayload, QUEUES } from '@app/jobs';
import { EnterpriseImportsService } from '@app/enterprises';

/** Thin: the dry run and the commit of enterprise imports (libs/enterprises does the work). */
@Processor(QUEUES.imports)
export class ImportsProcessor extends WorkerHost {
  private readonly logger = new Logger(ImportsProcessor.name);

  constructor(private readonly imports: EnterpriseImportsService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as ImportJobName;
    const { importId } = job.data as ImportJobPayload;
    switch (name) {
      case IMPORT_JOBS.validate:
        return this.imports.validate(importId);
      case IMPORT_JOBS.commit:
        return this.imports.commit(importId);
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown imports job ${String(unknown)}`);
        throw new Error(`Unknown imports job ${String(unknown)}`);
      }
    }
  }
}
