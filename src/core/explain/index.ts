/** Explanations of analyses: the JSON shape and its two renderings. */
export { buildExplanation } from './explanation.js';
export { renderMarkdown } from './markdown.js';
export { renderText } from './text.js';
export type { Explanation, ExplanationOptions, MetricExplanation, QueryExplanation, ScoreExplanation, TestExplanation } from './types.js';
