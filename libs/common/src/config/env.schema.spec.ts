import { AppEnv, ENV_KEYS, trustProxyOption, validateEnv } from './env.schema';

const minimal = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/marketplace',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'x'.repeat(32),
  DATA_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
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

  it('refuses a master key that is not 32 bytes of base64', () => {
    expect(() => validateEnv({ ...minimal, DATA_MASTER_KEY: Buffer.alloc(16, 1).toString('base64') })).toThrow(/DATA_MASTER_KEY/);
    expect(() => validateEnv({ ...minimal, DATA_MASTER_KEY: undefined })).toThrow(/DATA_MASTER_KEY[\s\S]*required/);
  });

  it('refuses a weak JWT secret', () => {
    expect(() => validateEnv({ ...minimal, JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET/);
  });

  it('trusts no proxy by default; TRUST_PROXY takes true, a hop count or a list of addresses', () => {
    expect(trustProxyOption(validateEnv(minimal).TRUST_PROXY)).toBe(false);
    expect(trustProxyOption(validateEnv({ ...minimal, TRUST_PROXY: '1' }).TRUST_PROXY)).toBe(1);
    expect(trustProxyOption(validateEnv({ ...minimal, TRUST_PROXY: 'true' }).TRUST_PROXY)).toBe(true);
    expect(trustProxyOption(validateEnv({ ...minimal, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY)).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(() => validateEnv({ ...minimal, TRUST_PROXY: 'everyone!' })).toThrow(/TRUST_PROXY/);
  });

  it('stores attachments in PostgreSQL by default; S3 needs a bucket; anything else is refused', () => {
    expect(validateEnv(minimal).BLOB_STORE).toBe('postgres');
    expect(() => validateEnv({ ...minimal, BLOB_STORE: 's3' })).toThrow(/S3_BUCKET[\s\S]*required/);
    const s3 = validateEnv({
      ...minimal,
      BLOB_STORE: 's3',
      S3_BUCKET: 'hpsm',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'marketplace/',
    });
    expect(s3).toMatchObject({ BLOB_STORE: 's3', S3_BUCKET: 'hpsm', S3_FORCE_PATH_STYLE: true, S3_REGION: 'us-east-1' });
    expect(() => validateEnv({ ...minimal, BLOB_STORE: 'ftp' })).toThrow(/BLOB_STORE/);
    expect(() => validateEnv({ ...minimal, S3_PREFIX: '../up' })).toThrow(/S3_PREFIX/);
  });

  it('reads numbers and booleans from their text; an empty, fractional or out-of-range number is refused', () => {
    expect(validateEnv({ ...minimal, DATABASE_POOL_SIZE: ' 25 ', S3_FORCE_PATH_STYLE: 'false' })).toMatchObject({
      DATABASE_POOL_SIZE: 25,
      S3_FORCE_PATH_STYLE: false,
    });
    expect(() => validateEnv({ ...minimal, PORT: '' })).toThrow(/"PORT" must be a number/);
    expect(() => validateEnv({ ...minimal, PORT: 'abc' })).toThrow(/"PORT" must be a number/);
    expect(() => validateEnv({ ...minimal, DATABASE_POOL_SIZE: '2.5' })).toThrow(/"DATABASE_POOL_SIZE" must be a whole number/);
    expect(() => validateEnv({ ...minimal, PORT: '70000' })).toThrow(/"PORT" too big/);
    expect(() => validateEnv({ ...minimal, S3_FORCE_PATH_STYLE: 'maybe' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });

  it('refuses URLs of the wrong kind and keeps empty optional settings as unset', () => {
    expect(() => validateEnv({ ...minimal, DATABASE_URL: 'mysql://u:p@h/db' })).toThrow(
      /"DATABASE_URL" must be a postgres or postgresql URL/,
    );
    expect(() => validateEnv({ ...minimal, SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    const env = validateEnv({ ...minimal, SMTP_URL: '', AUDIT_SIGNING_KEY: '', ADMIN_PASSWORD: '' });
    expect(env).toMatchObject({ SMTP_URL: '', AUDIT_SIGNING_KEY: '', ADMIN_PASSWORD: '' });
    expect(() => validateEnv({ ...minimal, ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
  });

  it('one definition is both the validation and the type: every key of AppEnv is a schema key', () => {
    const env: AppEnv = validateEnv(minimal);
    expect(Object.keys(env).sort()).toEqual(expect.arrayContaining(ENV_KEYS.filter((k) => env[k] !== undefined)));
    expect(ENV_KEYS).toHaveLength(new Set(ENV_KEYS).size);
    // Unknown variables (PATH, HOME, ...) are not part of the typed configuration.
    expect(validateEnv({ ...minimal, HOME: '/root' })).not.toHaveProperty('HOME');
  });
});
