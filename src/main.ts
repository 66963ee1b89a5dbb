import { buildApp } from './app.js';
import { ConfigError, parseConfig } from './config.js';
import { createLogger } from './telemetry/logger.js';

/**
 * Starts wavegate: config from the environment, adapters wired in `buildApp`, the API listening and
 * the scheduler ticking. With no REDIS_URL everything runs in this process (embedded default).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`wavegate: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const app = await buildApp(config, logger);
  await app.api.listen({ port: config.PORT, host: config.HOST });
  await app.runner.start();
  await app.rollouts?.runner.start();
  logger.info({ port: config.PORT, store: config.REDIS_URL ? 'redis' : 'memory', rollouts: app.rollouts ? `${app.rollouts.fleet.length} clusters` : 'not configured', templatesDir: config.TEMPLATES_DIR }, 'wavegate is up');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    app.close().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`wavegate failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
