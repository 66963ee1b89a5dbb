import { Registry } from 'prom-client';
import { buildApp, type App, type AppOverrides } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/telemetry/logger.js';

/**
 * Builds the real service (real templates, real adapters) for a test: in-memory store unless a
 * REDIS_URL is given, Prometheus at the given URL, a fresh metrics registry, quiet logs.
 */
export async function buildTestApp(env: Record<string, string>, overrides: AppOverrides = {}): Promise<App> {
  const config = parseConfig({ TEMPLATES_DIR: 'analysis-templates', LOG_LEVEL: 'silent', SCHEDULER_POLL: '200ms', ...env });
  return buildApp(config, createLogger(config.LOG_LEVEL), { registry: new Registry(), ...overrides });
}
