import type { EntityManager } from 'typeorm';
import { cityIso } from '@app/common';
import type { OrderOutcomeView } from './dto/outcome.dto';

interface OutcomeRow {
  kpis: OrderOutcomeView['kpis'];
  solved: OrderOutcomeView['solved'];
  explanation: string;
  recorded_at: Date;
  firm_statement: string | null;
  firm_statement_at: Date | null;
}

export async function outcomeOf(manager: EntityManager, orderId: string): Promise<OrderOutcomeView | null> {
  const [r] = await manager.query<OutcomeRow[]>(
    `SELECT kpis, solved, explanation, recorded_at, firm_statement, firm_statement_at FROM order_outcomes WHERE order_id = $1`,
    [orderId],
  );
  if (!r) return null;
  return {
    solved: r.solved,
    explanation: r.explanation,
    kpis: r.kpis,
    recordedAt: cityIso(r.recorded_at),
    firmStatement: r.firm_statement,
    firmStatementAt: r.firm_statement_at ? cityIso(r.firm_statement_at) : null,
  };
}
