import { Foundation1763800000000 } from './1763800000000-foundation';

/** Every migration, in order. Listed by hand so the bundled apps need no file globbing. */
export const MIGRATIONS = [Foundation1763800000000];
