import { INestApplicationContext, Module } from '@nestjs/common';
import { AppConfig, AppConfigModule } from '@app/common';
import { DatabaseModule, runMigrations } from '@app/database';
import { AuditModule } from '@app/audit';
import { JobsModule } from '@app/jobs';
import { IdentityModule, UsersService } from '@app/identity';
import { AreasModule, AreasService } from '@app/areas';

/** Just what seeding needs: no HTTP, no queue workers. */
@Module({ imports: [AppConfigModule, DatabaseModule, AuditModule, JobsModule, IdentityModule, AreasModule] })
export class SeedModule {}

/** Migrates, then seeds. Safe to run on every start: each step does nothing when already done. */
export async function runSeed(ctx: INestApplicationContext): Promise<void> {
  const config = ctx.get(AppConfig);
  const applied = await runMigrations(config.get('DATABASE_URL'));
  console.log(applied.length ? `[migrate] applied: ${applied.join(', ')}` : '[migrate] schema is up to date');
  const areas = await ctx.get(AreasService).seedReferenceData();
  console.log(
    `[seed] areas: ${areas.areasWritten} written; population figures added: ${areas.populationsInserted.map((p) => `${p.areaCode}@${p.asOf}`).join(', ') || 'none'}`,
  );
  const password = config.get('ADMIN_PASSWORD');
  if (!password && config.get('NODE_ENV') === 'production') {
    // In production a generated password would end up in the container logs: require it by env.
    if (!(await ctx.get(UsersService).hasAdmin())) {
      console.log(
        '[seed] no admin exists yet: set ADMIN_PASSWORD (and ADMIN_EMAIL) and run `migrate` again to create the first one',
      );
    }
    return;
  }
  const admin = await ctx.get(UsersService).ensureFirstAdmin(config.get('ADMIN_EMAIL'), password);
  if (admin.created && admin.generatedPassword) {
    console.log(
      `[seed] first admin created — shown once, keep it safe:\n[seed]   e-mail:   ${admin.email}\n[seed]   password: ${admin.generatedPassword}`,
    );
  } else if (admin.created) {
    console.log(`[seed] first admin created: ${admin.email} (password from ADMIN_PASSWORD)`);
  }
}
