import { DelayedError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { StaleRevisionError, StoreUnavailableError, AnalysisImmutableFieldError } from '../../src/errors/store-errors.js';
import { forBullmq } from '../../src/jobs/bullmq/job-processor.js';
import { tickJobId } from '../../src/jobs/bullmq/analysis-jobs.js';
import { workJobId } from '../../src/jobs/bullmq/rollout-jobs.js';
import { bullmqPrefix } from '../../src/jobs/bullmq-runner.js';
import { InvalidJobPayloadError, jobCatalog, parseJobPayload } from '../../src/jobs/catalog.js';

describe('job catalog', () => {
  it('accepts a well-formed tick payload and returns it as the handler will see it', () => {
    expect(parseJobPayload('analysis.tick', { analysisId: 'a-1', dueAt: 1_700_000_060_000 })).toEqual({ analysisId: 'a-1', dueAt: 1_700_000_060_000 });
  });

  it('names every bad field, refuses extra fields and unknown job names', () => {
    const bad = () => parseJobPayload('analysis.tick', { analysisId: 42 });
    expect(bad).toThrow(InvalidJobPayloadError);
    expect(bad).toThrow(/analysisId: Expected string.*dueAt: Required/);
    expect(() => parseJobPayload('analysis.tick', { analysisId: 'a', dueAt: 1, extra: 1 })).toThrow(/Unrecognized key/);
    expect(() => parseJobPayload('analysis.nope', {})).toThrow(/no such job in the catalog/);
    try {
      bad();
    } catch (err) {
      expect((err as InvalidJobPayloadError).code).toBe('JOB_PAYLOAD_INVALID');
      expect((err as InvalidJobPayloadError).retryable).toBe(false);
    }
  });

  it('gives every job a queue, at least one attempt and a backoff', () => {
    for (const [name, def] of Object.entries(jobCatalog)) {
      expect(def.queue, name).toMatch(/^[a-z-]+$/);
      expect(def.attempts, name).toBeGreaterThanOrEqual(1);
      expect(def.backoffMs, name).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('what BullMQ is told about a failure', () => {
  it('retries retryable and unknown errors, gives up at once on permanent domain errors', () => {
    const transient = new StoreUnavailableError('get', 'timeout');
    expect(forBullmq(transient)).toBe(transient);
    expect(forBullmq(new StaleRevisionError('a', 1, 2))).toBeInstanceOf(StaleRevisionError);
    const unknown = new TypeError('boom');
    expect(forBullmq(unknown)).toBe(unknown);
    const permanent = forBullmq(new AnalysisImmutableFieldError('a', 'key'));
    expect(permanent).toBeInstanceOf(UnrecoverableError);
    expect((permanent as Error).message).toMatch(/^ANALYSIS_IMMUTABLE_FIELD: /);
    expect(forBullmq(new InvalidJobPayloadError('analysis.tick', ['x']))).toBeInstanceOf(UnrecoverableError);
  });

  it('lets BullMQ control-flow errors through untouched', () => {
    const delayed = new DelayedError();
    expect(forBullmq(delayed)).toBe(delayed);
    const unrecoverable = new UnrecoverableError('no');
    expect(forBullmq(unrecoverable)).toBe(unrecoverable);
  });
});

describe('names in Redis', () => {
  it('makes tick job ids BullMQ accepts: no ":" and never an integer, whatever the analysis id', () => {
    expect(tickJobId('0b9c6f1e-7a51-4c43-9d0e-2a7a1f7e9c11', 1_700_000_060_000)).toBe('tick-0b9c6f1e-7a51-4c43-9d0e-2a7a1f7e9c11-1700000060000');
    expect(tickJobId('odd:id/with spaces', 5)).not.toContain(':');
    expect(tickJobId('1', 2)).toBe('tick-1-2');
  });

  it('makes rollout work job ids BullMQ accepts, one per rollout and revision', () => {
    expect(workJobId('0b9c6f1e-7a51-4c43-9d0e-2a7a1f7e9c11', 12)).toBe('rollout-0b9c6f1e-7a51-4c43-9d0e-2a7a1f7e9c11-12');
    expect(workJobId('odd:id', 0)).not.toContain(':');
    expect(workJobId('1', 2)).not.toBe(workJobId('1', 3));
    expect(() => parseJobPayload('rollout.work', { rolloutId: 'r', revision: -1, dueAt: 0 })).toThrow(/revision/);
  });

  it('derives the BullMQ prefix from REDIS_PREFIX without doubling the separator', () => {
    expect(bullmqPrefix('wavegate:')).toBe('wavegate');
    expect(bullmqPrefix('team-a:wavegate::')).toBe('team-a:wavegate');
    expect(bullmqPrefix('plain')).toBe('plain');
  });
});
