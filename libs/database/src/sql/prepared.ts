import {
  Compilable,
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import type { Database } from './kysely';
import { ManagerConnection } from './kysely';
import type { DB } from './schema';

/** Builds and compiles only; it never runs anything. */
const compiler: Database = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** What stands in for a value while the statement is built: unmistakable, never a real value. */
const STAND_IN = '\u0000prepared:';
const standIn = (name: string) => `${STAND_IN}${name}\u0000`;

type Slot = { name: string } | { constant: unknown };

/** A statement compiled once; run it with values for its named stand-ins. */
export type PreparedStatement<P, R> = (source: EntityManager | DataSource, values: P) => Promise<R[]>;

/**
 * A statement of a hot path built and compiled once, then run with new values, as a prepared
 * statement is: building and compiling through the typed layer cost about as much CPU as sending
 * the statement (issue 15). `build` gets stand-ins for the values (`p.problemId`) and is called
 * once, so it must not branch on them or change them: a stand-in found inside another value
 * (`${p.q}%`, JSON.stringify) or a missing value is an error, not a wrong statement. A list goes in
 * whole as one array value (`= any(${p.ids})`); `in` would expand a real array at build time.
 *
 *   const byId = prepare((db, p: { id: string }) => db.selectFrom('<table>').select('status').where('id', '=', p.id));
 *   const [row] = await byId(manager, { id });
 */
export function prepare<P extends object, R>(build: (db: Database, p: P) => Compilable<R>): PreparedStatement<P, R> {
  let compiled: { query: CompiledQuery<R>; slots: Slot[] } | undefined;
  return async (source, values) => {
    compiled ??= compile(build);
    const parameters = compiled.slots.map((slot) => {
      if ('constant' in slot) return slot.constant;
      const value = (values as Record<string, unknown>)[slot.name];
      if (value === undefined) throw new Error(`Prepared statement: no value for "${slot.name}" in ${compiled!.query.sql}`);
      return value;
    });
    const manager = source instanceof DataSource ? source.manager : source;
    const result = await new ManagerConnection(manager).executeQuery<R>({ ...compiled.query, parameters });
    return result.rows;
  };
}

/**
 * The stand-ins for these names as one object, for an insert whose values are named as its
 * columns: `.values(named(p, ['id', 'status']))` instead of `{ id: p.id, status: p.status }`.
 */
export function named<P extends object, K extends keyof P & string>(p: P, names: readonly K[]): Pick<P, K> {
  return Object.fromEntries(names.map((name) => [name, p[name]])) as Pick<P, K>;
}

function compile<P extends object, R>(build: (db: Database, p: P) => Compilable<R>): { query: CompiledQuery<R>; slots: Slot[] } {
  const standIns = new Proxy({} as P, {
    get: (_, name) => (typeof name === 'string' ? standIn(name) : undefined),
    // `{ ...p }` or Object.keys(p) would see no values and build a statement without them.
    ownKeys: () => {
      throw new Error('Prepared statement: name each value (p.name); the stand-ins cannot be listed or spread');
    },
  });
  const query = build(compiler, standIns).compile();
  const slots = query.parameters.map((value): Slot => {
    if (typeof value === 'string' && value.startsWith(STAND_IN) && value.endsWith('\u0000')) {
      return { name: value.slice(STAND_IN.length, -1) };
    }
    if (JSON.stringify(value ?? null).includes(JSON.stringify(STAND_IN).slice(1, -1))) {
      throw new Error(`Prepared statement: a value was changed or wrapped while building ${query.sql}`);
    }
    return { constant: value };
  });
  return { query, slots };
}
