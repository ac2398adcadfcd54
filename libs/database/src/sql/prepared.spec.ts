import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Database } from './kysely';
import { named, prepare } from './prepared';

/** A manager in a transaction that records what it is asked to run (no database: this checks binding only). */
function recordingManager() {
  const sent: { sql: string; parameters: unknown[] }[] = [];
  const queryRunner = {
    query: (text: string, parameters: unknown[]) => {
      sent.push({ sql: text, parameters });
      return Promise.resolve({ records: [{ id: parameters[0] }], affected: 1 });
    },
  };
  return { manager: { queryRunner } as unknown as EntityManager, sent };
}

describe('prepare: a statement compiled once, run with values bound by name', () => {
  it('builds once and binds each run’s values in place of the stand-ins, constants kept', async () => {
    const build = jest.fn((db: Database, p: { id: string; role: string; ids: string[] }) =>
      db
        .updateTable('users')
        .set({ status: 'suspended', role: p.role })
        .where('id', '=', p.id)
        .where('organization_id', '=', (eb) => eb.fn.any(eb.val(p.ids)))
        .returning('id'),
    );
    const statement = prepare(build);
    const { manager, sent } = recordingManager();
    await statement(manager, { id: 'a', role: 'officer', ids: ['x', 'y'] });
    await statement(manager, { id: 'b', role: 'enterprise', ids: [] });
    expect(build).toHaveBeenCalledTimes(1);
    expect(sent[0]!.sql).toBe(sent[1]!.sql);
    expect(sent[0]!.sql).toContain('= any($4)');
    expect(sent.map((s) => s.parameters)).toEqual([
      ['suspended', 'officer', 'a', ['x', 'y']],
      ['suspended', 'enterprise', 'b', []],
    ]);
  });

  it('names an insert’s values after its columns (named)', async () => {
    const statement = prepare((db, p: { email: string; full_name: string }) =>
      db.insertInto('users').values({ ...named(p, ['email', 'full_name']), role: 'admin' }),
    );
    const { manager, sent } = recordingManager();
    await statement(manager, { email: 'a@b.vn', full_name: 'A' });
    expect(sent[0]!.sql).toBe('insert into "users" ("email", "full_name", "role") values ($1, $2, $3)');
    expect(sent[0]!.parameters).toEqual(['a@b.vn', 'A', 'admin']);
  });

  it('refuses a builder that changed a stand-in instead of passing it on', async () => {
    const statement = prepare((db, p: { q: string }) => db.selectFrom('users').select('id').where('email', 'like', `${p.q}%`));
    await expect(statement(recordingManager().manager, { q: 'a' })).rejects.toThrow(/changed or wrapped/);
    const wrapped = prepare((db, p: { data: string }) =>
      db.selectFrom('users').select(sql<string>`${JSON.stringify({ data: p.data })}::jsonb`.as('d')),
    );
    await expect(wrapped(recordingManager().manager, { data: 'a' })).rejects.toThrow(/changed or wrapped/);
  });

  it('refuses a builder that spreads the stand-ins (it would see no values)', async () => {
    const statement = prepare((db, p: { email: string }) => db.updateTable('users').set({ ...p }));
    await expect(statement(recordingManager().manager, { email: 'a' })).rejects.toThrow(/cannot be listed or spread/);
  });

  it('refuses to run without a value for every stand-in', async () => {
    const statement = prepare((db, p: { id: string }) => db.selectFrom('users').select('id').where('id', '=', p.id));
    const { manager, sent } = recordingManager();
    await expect(statement(manager, {} as { id: string })).rejects.toThrow(/no value for "id"/);
    expect(sent).toEqual([]);
  });
});
