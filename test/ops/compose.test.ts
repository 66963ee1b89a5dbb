import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseConfig } from '../../src/config.js';
import { configVariables, read, ROOT } from './ops-helpers.js';

const compose = YAML.parse(read('docker-compose.yml')) as Record<string, any>;
const services = compose.services as Record<string, any>;

/** Compose's `${VAR:-default}` / `${VAR}` interpolation with an empty environment. */
const interpolate = (v: unknown): string => String(v).replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name, fallback: string | undefined) => fallback ?? '');

/** `host:container[:mode]` bind mounts of a service whose host side is a path in the repository. */
const binds = (service: string) =>
  ((services[service].volumes ?? []) as string[])
    .map((v) => v.split(':'))
    .filter(([host]) => host!.startsWith('./'))
    .map(([host, container, mode]) => ({ host: host!, container: container!, mode }));

describe('docker-compose.yml', () => {
  it('runs wavegate with redis, prometheus and grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'prometheus', 'redis', 'wavegate']);
    expect(services.wavegate.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
    expect(services.wavegate.depends_on.redis).toEqual({ condition: 'service_healthy' });
  });

  it('gives wavegate an environment its config parser accepts, with REDIS_URL pointing at the redis service', () => {
    const env = Object.fromEntries(Object.entries(services.wavegate.environment as Record<string, unknown>).map(([k, v]) => [k, interpolate(v)]));
    const known = new Set(configVariables());
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    const config = parseConfig(env);
    expect(config.REDIS_URL).toBe('redis://redis:6379/0');
    expect(config.PROMETHEUS_URL).toBe('http://prometheus:9090');
    expect(config.API_TOKEN).toBeUndefined(); // ${WAVEGATE_API_TOKEN:-} unset = no token
    expect(services.wavegate.ports).toContain(`${config.PORT}:${config.PORT}`);
    // the templates folder mounted is the one TEMPLATES_DIR names
    expect(binds('wavegate')).toContainEqual({ host: './analysis-templates', container: config.TEMPLATES_DIR, mode: 'ro' });
  });

  it('runs redis with appendonly and maxmemory-policy noeviction', () => {
    const command = (services.redis.command as string[]).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('mounts only files that exist in the repository', () => {
    for (const service of Object.keys(services)) {
      for (const b of binds(service)) expect(existsSync(join(ROOT, b.host)), `${service}: ${b.host}`).toBe(true);
    }
  });

  it('provisions the dashboard grafana/wavegate-analysis.json and a Prometheus datasource with the uid wavegate links to', () => {
    const grafana = binds('grafana');
    const dashboard = grafana.find((b) => b.host === './grafana/wavegate-analysis.json');
    expect(dashboard).toBeDefined();
    expect(statSync(join(ROOT, 'grafana/wavegate-analysis.json')).isFile()).toBe(true);

    const providerFile = grafana.find((b) => b.container.startsWith('/etc/grafana/provisioning/dashboards/'))!;
    const provider = (YAML.parse(read(providerFile.host)) as any).providers[0];
    expect(posix.dirname(dashboard!.container)).toBe(provider.options.path);
    expect(services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(dashboard!.container);

    const datasourceFile = grafana.find((b) => b.container.startsWith('/etc/grafana/provisioning/datasources/'))!;
    const datasource = (YAML.parse(read(datasourceFile.host)) as any).datasources[0];
    expect(datasource).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    expect(datasource.uid).toBe(services.wavegate.environment.GRAFANA_DATASOURCE);
  });

  it('has Prometheus scrape wavegate\'s /metrics, with a config promtool accepts', () => {
    const mount = binds('prometheus').find((b) => b.container === '/etc/prometheus/prometheus.yml')!;
    expect(services.prometheus.command).toContain(`--config.file=${mount.container}`);
    const config = YAML.parse(read(mount.host)) as any;
    const job = (config.scrape_configs as any[]).find((j) => j.job_name === 'wavegate');
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs[0].targets).toEqual([`wavegate:${services.wavegate.environment.PORT}`]);

    const promtool = ['/usr/bin', '/usr/local/bin', ...(process.env['PATH'] ?? '').split(delimiter)].map((d) => join(d, 'promtool')).find((p) => existsSync(p));
    expect(promtool, 'promtool (Debian package prometheus) is needed: npm run test:deps').toBeDefined();
    const check = spawnSync(promtool!, ['check', 'config', join(ROOT, mount.host)], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = instructions.filter((l) => l.startsWith('FROM '));
  const dockerignore = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('builds on node:20-bookworm-slim in stages: npm ci + build, production dependencies only at runtime', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
    expect(instructions).toContain('RUN npm ci');
    expect(instructions).toContain('RUN npm run build');
    expect(instructions.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]!));
    expect(runtime.filter((l) => l.startsWith('COPY --from=')).map((l) => l.split(' ')[1])).toEqual(['--from=deps', '--from=build']);
    expect(runtime.some((l) => /^RUN npm (ci|install)(?!.*--omit=dev)/.test(l))).toBe(false);
  });

  it('runs dist/main.js as a numeric non-root user, with a /healthz HEALTHCHECK', () => {
    const users = instructions.filter((l) => l.startsWith('USER '));
    expect(users.length).toBe(1);
    const uid = users[0]!.split(' ')[1]!.split(':')[0]!;
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(instructions[instructions.length - 1]).toBe('CMD ["node", "dist/main.js"]');
    const health = instructions.find((l) => l.startsWith('HEALTHCHECK'))!;
    expect(health).toMatch(/\/healthz/);
    expect(health).toMatch(/CMD \["node", "-e"/);
    // the build really produces dist/main.js, and npm start runs the same file
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start']).toBe('node dist/main.js');
    expect(existsSync(join(ROOT, 'src/main.ts'))).toBe(true);
  });

  it('exposes the port and templates folder wavegate defaults to in the image', () => {
    expect(dockerfile).toMatch(/PORT=8080/);
    expect(instructions).toContain('EXPOSE 8080');
    expect(dockerfile).toMatch(/TEMPLATES_DIR=\/app\/analysis-templates/);
    expect(instructions).toContain('COPY analysis-templates ./analysis-templates');
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.startsWith('COPY --from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1).filter((a) => !a.startsWith('--')));
    expect([...new Set(sources)].sort()).toEqual(['analysis-templates', 'package-lock.json', 'package.json', 'src', 'tsconfig.build.json', 'tsconfig.json']);
    for (const s of sources) {
      expect(existsSync(join(ROOT, s)), s).toBe(true);
      const ignored = dockerignore.some((pattern) => !pattern.startsWith('!') && (pattern === s || pattern === `${s}/` || (pattern.startsWith('**/') && pattern.slice(3) === s)));
      expect(ignored, `${s} is excluded by .dockerignore`).toBe(false);
    }
    // secrets and local state stay out of the build context
    for (const p of ['.git', '**/node_modules', 'dist', '.env']) expect(dockerignore).toContain(p);
  });
});
