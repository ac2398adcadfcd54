import type { EntityManager } from 'typeorm';
import { cityIso } from '@app/common';
import { db } from '@app/database';
import type { OrderOutcomeView } from './dto/outcome.dto';

export async function outcomeOf(manager: EntityManager, orderId: string): Promise<OrderOutcomeView | null> {
  const r = await db(manager)
    .selectFrom('order_outcomes')
    .select(['kpis', 'solved', 'explanation', 'recorded_at', 'firm_statement', 'firm_statement_at'])
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    solved: r.solved as OrderOutcomeView['solved'],
    explanation: r.explanation,
    kpis: r.kpis as unknown as OrderOutcomeView['kpis'],
    recordedAt: cityIso(r.recorded_at),
    firmStatement: r.firm_statement,
    firmStatementAt: r.firm_statement_at ? cityIso(r.firm_statement_at) : null,
  };
}
