import { z } from 'zod';
import type { QueryResult, RangeStep, Sample } from '../../core/analysis/metrics-source.js';
import { MetricsQueryRejectedError, MetricsResponseError, type MetricsErrorDetails } from '../../errors/metrics-errors.js';

/**
 * Turns the `data` of a successful Prometheus answer into the port's shapes. Sample values arrive
 * as strings so that NaN and ±Inf survive JSON ("NaN", "+Inf", "-Inf"); timestamps as float seconds.
 * See https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats
 */

const labels = z.record(z.string());
const point = z.tuple([z.number(), z.string()]);

const data = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: point })) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels, values: z.array(point) })) }),
  z.object({ resultType: z.literal('scalar'), result: point }),
  z.object({ resultType: z.literal('string'), result: point }),
]);

export type ResultData = z.infer<typeof data>;

/** The envelope of a 2xx answer; `status: 'error'` bodies are handled by classify-error. */
export const successEnvelope = z.object({
  status: z.literal('success'),
  data: data,
  warnings: z.array(z.string()).optional(),
});

/** Parses a sample value string the way Prometheus formats floats (Go's strconv, plus ±Inf/NaN). */
export function parseSampleValue(text: string, details: MetricsErrorDetails): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (Number.isNaN(value)) {
    throw new MetricsResponseError(`Prometheus returned a sample value that is not a number: ${JSON.stringify(text.slice(0, 40))}`, details);
  }
  return value;
}

/** Prometheus' float-second timestamps back to epoch ms (Prometheus itself works in whole ms). */
export const secondsToMs = (seconds: number): number => Math.round(seconds * 1000);

export function toInstantResult(result: ResultData, warnings: string[], details: MetricsErrorDetails): QueryResult {
  switch (result.resultType) {
    case 'vector':
      return {
        series: result.result.map((s) => ({ labels: s.metric, value: parseSampleValue(s.value[1], details) })),
        warnings,
      };
    case 'scalar':
      return { series: [{ labels: {}, value: parseSampleValue(result.result[1], details) }], warnings };
    case 'matrix':
      throw new MetricsQueryRejectedError(
        'Prometheus returned a range vector for an instant query; wrap the selector in a function such as increase() or rate()',
        details,
      );
    case 'string':
      throw new MetricsQueryRejectedError('Prometheus returned a string, not a number, for the query', details);
  }
}

/**
 * Regroups a range answer (series → points) into one entry per evaluation time (time → series).
 * `times` are the evaluation times the client asked for; a time where no series has a point gets
 * `series: []`. A point at a time that was not asked for is a wrong-shaped answer.
 */
export function toRangeSteps(result: ResultData, warnings: string[], times: number[], details: MetricsErrorDetails): RangeStep[] {
  const byTime = new Map<number, Sample[]>(times.map((t) => [t, []]));
  switch (result.resultType) {
    case 'matrix':
      for (const series of result.result) {
        for (const [seconds, text] of series.values) {
          const bucket = byTime.get(secondsToMs(seconds));
          if (!bucket) {
            throw new MetricsResponseError(`Prometheus returned a point at ${seconds}s, outside the requested steps`, details);
          }
          bucket.push({ labels: series.metric, value: parseSampleValue(text, details) });
        }
      }
      break;
    case 'vector':
    case 'scalar':
      // Prometheus answers range queries with a matrix even for scalar expressions; anything else is off.
      throw new MetricsResponseError(`Prometheus answered a range query with a ${result.resultType}`, details);
    case 'string':
      throw new MetricsQueryRejectedError('Prometheus returned a string, not a number, for the query', details);
  }
  return times.map((at) => ({ at, series: byTime.get(at) ?? [], warnings }));
}

/** start, start+step, …, ≤ end — the grid Prometheus' range evaluator walks (in whole ms). */
export function evaluationTimes(start: number, end: number, stepMs: number): number[] {
  const times: number[] = [];
  for (let t = start; t <= end; t += stepMs) times.push(t);
  return times;
}
