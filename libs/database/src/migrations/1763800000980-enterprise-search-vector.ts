import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory's full-text search reads a stored tsvector (issue 15), as problem search does.
 * The index was on the expression to_tsvector('simple', search_document), so ranking recomputed
 * the vector for every matching firm: a common word ("phần mềm") matches thousands of the 100k
 * firms, and that took ~90 ms of PostgreSQL CPU per query. Stored, it is read, not recomputed.
 */
export class EnterpriseSearchVector1763800000980 implements MigrationInterface {
  name = 'EnterpriseSearchVector1763800000980';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enterprises ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, enterprise_search_document(legal_name, short_name, tags, products))) STORED`);
    await q.query(`DROP INDEX enterprises_search_tsv_idx`);
    await q.query(`CREATE INDEX enterprises_search_vector_idx ON enterprises USING gin (search_vector)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX enterprises_search_vector_idx`);
    await q.query(`ALTER TABLE enterprises DROP COLUMN search_vector`);
    await q.query(
      `CREATE INDEX enterprises_search_tsv_idx ON enterprises USING gin (to_tsvector('simple'::regconfig, search_document))`,
    );
  }
}
