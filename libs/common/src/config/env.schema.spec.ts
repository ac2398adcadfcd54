import { validateEnv } from './env.schema';

const minimal = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/marketplace',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'x'.repeat(32),
};

describe('validateEnv', () => {
  it('fills defaults and converts numbers', () => {
    const env = validateEnv({ ...minimal, PORT: '8080' });
    expect(env.PORT).toBe(8080);
    expect(env.JWT_ACCESS_TTL_SECONDS).toBe(900);
    expect(env.NODE_ENV).toBe('development');
  });

  it('refuses to start without a database, naming every bad variable at once', () => {
    expect(() => validateEnv({ JWT_SECRET: 'short', REDIS_URL: 'http://nope' })).toThrow(
      /DATABASE_URL[\s\S]*required[\s\S]*REDIS_URL[\s\S]*JWT_SECRET/,
    );
  });

  it('refuses a weak JWT secret', () => {
    expect(() => validateEnv({ ...minimal, JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET/);
  });
});
