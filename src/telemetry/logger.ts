import pino, { type Logger } from 'pino';

/**
 * Paths pino must never print. URLs with credentials are redacted where they are built
 * (`src/adapters/prometheus/redact.ts`); these catch headers and config objects passed whole.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.token',
  '*.password',
  '*.bearerToken',
  'config.PROMETHEUS_BEARER_TOKEN',
  'config.API_TOKEN',
  'config.REDIS_URL',
  'config.PROMETHEUS_URL',
  'metadata.token',
  'body.metadata.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wavegate' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
