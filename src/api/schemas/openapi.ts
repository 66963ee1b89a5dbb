import { zodToJsonSchema } from 'zod-to-json-schema';
import { AnalysisRequestBody } from './analysis-request.js';

/**
 * JSON Schemas for the OpenAPI document. They document; zod validates (so that every 400 has our
 * `{ code, message, requestId, field }` shape), and responses are serialised with JSON.stringify so a
 * schema can never silently drop evidence fields.
 */
export const analysisRequestSchema = stripMeta(zodToJsonSchema(AnalysisRequestBody, { target: 'openApi3', effectStrategy: 'input', $refStrategy: 'none' }));

export const errorSchema = {
  type: 'object',
  required: ['code', 'message', 'requestId'],
  properties: {
    code: { type: 'string', description: 'Stable error code, e.g. REQUEST_INVALID, TEMPLATE_NOT_FOUND, ANALYSIS_NOT_FOUND' },
    message: { type: 'string' },
    requestId: { type: 'string' },
    field: { type: 'string', description: 'The request field at fault, when one is' },
    details: {},
  },
} as const;

const verdict = { type: 'string', enum: ['running', 'pass', 'fail', 'inconclusive'] } as const;
const time = { type: ['string', 'null'], format: 'date-time' } as const;

export const analysisResourceSchema = {
  type: 'object',
  required: ['id', 'verdict', 'score', 'startedAt', 'decidedAt', 'metrics', 'explanationUrl'],
  properties: {
    id: { type: 'string' },
    key: { type: ['string', 'null'] },
    verdict,
    score: { type: ['number', 'null'], minimum: 0, maximum: 100 },
    mode: { type: 'string', enum: ['live', 'retrospective'] },
    startedAt: time,
    decidedAt: { ...time, description: 'Time of the measurement that settled the verdict' },
    measuredUntil: time,
    metrics: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          template: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string', enum: ['ratio', 'histogram', 'burnRate', 'threshold'] },
          verdict,
          evidence: { type: 'object', additionalProperties: true, description: 'Counts, estimates, confidence interval, ln e-value and its threshold ln(1/α)' },
          reason: { type: 'string' },
        },
      },
    },
    explanationUrl: { type: 'string' },
  },
} as const;

function stripMeta(schema: object): Record<string, unknown> {
  const { $schema: _drop, ...rest } = schema as Record<string, unknown>;
  return rest;
}
