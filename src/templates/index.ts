/** Analysis templates: schema, loading, and rendering into metric specs with escaped, scoped PromQL. */
export { loadTemplates, type LoadResult } from './load.js';
export { parseTemplate, parseTemplateFile, type ParsedFile } from './parse.js';
export { renderMetrics, promDuration, type RenderRequest } from './render.js';
export type {
  ArgType,
  LoadedTemplate,
  TemplateArg,
  TemplateMetric,
  TemplateProblem,
} from './types.js';
