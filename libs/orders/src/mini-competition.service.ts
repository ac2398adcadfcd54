import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, ErrorCode, nfc } from '@app/common';
import { db } from '@app/database';
import { ProblemsService, ProblemView } from '@app/problems';
import { catalogueEntries } from './catalogue.service';
import { StartMiniCompetitionDto } from './dto/catalogue.dto';

/**
 * The second way to reuse the catalogue (issue 16 item 6): where several entries solve one kind of
 * bottleneck (the sector of their problems, as the catalogue groups them), a department starts a
 * mini-competition among their firms. It is an ordinary problem — draft, publish, sealed bids,
 * evaluation, award, standstill, order — restricted to those firms (libs/problems).
 */
@Injectable()
export class MiniCompetitionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly problems: ProblemsService,
  ) {}

  async start(actor: AuthUser, dto: StartMiniCompetitionDto): Promise<ProblemView> {
    if (actor.role !== 'officer' || !actor.organizationId) throw new AppError(ErrorCode.ROLE_FORBIDDEN);
    const ids = dto.entryOrderIds.map((id) => id.toLowerCase());
    const justification = nfc(dto.justification);
    return this.dataSource.transaction(async (manager) => {
      const rows = await catalogueEntries(manager).where('o.id', 'in', ids).execute();
      const missing = ids.filter((id) => !rows.some((r) => r.order_id === id));
      if (missing.length > 0) throw new AppError(ErrorCode.CATALOGUE_ENTRY_NOT_FOUND, {}, { entryOrderIds: missing });
      // in the order the officer listed them
      const entries = ids.flatMap((id) => rows.filter((r) => r.order_id === id));
      const sectors = [...new Set(entries.map((e) => e.sector))];
      if (sectors.length > 1) throw new AppError(ErrorCode.MINI_COMPETITION_MIXED_KINDS, {}, { sectors });
      const firms = [...new Set(entries.map((e) => e.enterprise_id))];
      if (firms.length < 2) throw new AppError(ErrorCode.MINI_COMPETITION_TOO_FEW_FIRMS, {}, { enterpriseIds: firms });
      const verified = await db(manager)
        .selectFrom('enterprises')
        .select('id')
        .where('id', 'in', firms)
        .where('status', '=', 'verified')
        .execute();
      const notVerified = firms.filter((id) => !verified.some((v) => v.id === id));
      if (notVerified.length > 0) throw new AppError(ErrorCode.ENTERPRISE_NOT_VERIFIED, {}, { enterpriseIds: notVerified });
      // The draft starts from the newest entry's problem; the officer rewrites it for their own need.
      const template = entries.reduce((a, b) => (b.completed_at > a.completed_at ? b : a));
      return this.problems.startMiniCompetition(manager, actor, {
        templateProblemId: template.problem_id,
        justification,
        entries: entries.map((e) => ({ orderId: e.order_id, enterpriseId: e.enterprise_id })),
      });
    });
  }
}
