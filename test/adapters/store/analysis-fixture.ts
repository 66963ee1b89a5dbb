import { randomUUID } from 'node:crypto';
import type { Analysis, Measurement } from '../../../src/core/analysis/model.js';

/** A minimal, valid running analysis; override what a test cares about. */
export function makeAnalysis(overrides: Partial<Analysis> = {}): Analysis {
  const createdAt = overrides.createdAt ?? 1_700_000_000_000;
  return {
    id: randomUUID(),
    key: null,
    request: {
      templates: ['http-errors'],
      args: { service: 'checkout' },
      scopes: { canary: { track: 'canary' }, baseline: { track: 'stable' } },
      startTime: createdAt,
      intervalMs: 60_000,
      maxDurationMs: 3_600_000,
      alpha: 0.05,
      source: 'api',
    },
    specs: [
      {
        name: 'error-rate',
        template: 'http-errors',
        kind: 'ratio',
        weight: 1,
        critical: true,
        minEvents: 100,
        direction: 'increase',
        queries: {
          canary: { bad: 'sum(increase(http_errors_total{track="canary"}[1m]))', total: 'sum(increase(http_requests_total{track="canary"}[1m]))' },
          baseline: { bad: 'sum(increase(http_errors_total{track="stable"}[1m]))', total: 'sum(increase(http_requests_total{track="stable"}[1m]))' },
        },
        tolerance: 1.2,
        passBelow: 1.05,
      },
    ],
    mode: 'live',
    verdict: 'running',
    score: null,
    startedAt: createdAt,
    decidedAt: null,
    createdAt,
    updatedAt: createdAt,
    lastTickEnd: createdAt,
    metrics: [],
    measurements: [],
    revision: 0,
    ...overrides,
  };
}

/** `count` ratio measurements, one per minute from `start`: enough to make a stored value large. */
export function makeMeasurements(count: number, start = 1_700_000_000_000): Measurement[] {
  return Array.from({ length: count }, (_, i) => ({
    metric: 'error-rate',
    template: 'http-errors',
    start: start + i * 60_000,
    end: start + (i + 1) * 60_000,
    phase: 'ok' as const,
    data: { kind: 'ratio' as const, canary: { total: 1000 + i, bad: i % 7 }, baseline: { total: 9000 + i, bad: i % 5 } },
    queries: ['sum(increase(http_errors_total{track="canary"}[1m]))'],
  }));
}
