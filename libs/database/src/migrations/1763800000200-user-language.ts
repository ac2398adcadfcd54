import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each user's language for notifications and e-mails: Vietnamese unless they choose English. */
export class UserLanguage1763800000200 implements MigrationInterface {
  name = 'UserLanguage1763800000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN language`);
  }
}
