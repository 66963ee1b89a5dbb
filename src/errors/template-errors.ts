import { WavegateError } from './wavegate-error.js';

/** One thing wrong with a template file: where (file, field path) and what, as one readable line. */
export interface TemplateProblem {
  /** The file as the loader named it, e.g. `analysis-templates/http-latency.yaml`. */
  file: string;
  /** Field path inside the document, e.g. `spec.metrics[0].histogram.bounds[1]`; absent for YAML syntax errors. */
  field?: string;
  /** The whole sentence, file and field included, so it can be printed alone. */
  message: string;
}

/**
 * A template file that cannot be used. Loading reports these as problems (so one bad file does not
 * stop the others); `parseTemplate` throws the first. A server-side configuration error: not retryable.
 */
export class InvalidTemplateError extends WavegateError {
  readonly code = 'TEMPLATE_INVALID';

  constructor(problem: TemplateProblem, others: TemplateProblem[] = []) {
    super(problem.message, {
      file: problem.file,
      field: problem.field,
      problems: [problem, ...others].map((p) => p.message),
    });
  }
}

/** A request named templates that are not loaded. `details.names` lists every missing one. */
export class TemplateNotFoundError extends WavegateError {
  readonly code = 'TEMPLATE_NOT_FOUND';

  constructor(names: string[]) {
    // Named after the request field it came from, so the API's 400 says which field to fix.
    super(`templates: unknown analysis template${names.length === 1 ? '' : 's'}: ${names.join(', ')}`, { names, field: 'templates' });
  }
}

/**
 * A template argument (or another rendering input such as `intervalMs`) that cannot be used:
 * missing, not matching its type or pattern, or out of range for the field it feeds.
 * `details.field` names it the way the request does, e.g. `args.service`.
 */
export class InvalidArgumentError extends WavegateError {
  readonly code = 'ARGUMENT_INVALID';

  constructor(field: string, reason: string, extra: Record<string, unknown> = {}) {
    super(`${field}: ${reason}`, { ...extra, field, reason });
  }
}

/** A scope label matcher that cannot be used, e.g. `details.field` = `scopes.canary.track`. */
export class InvalidScopeError extends WavegateError {
  readonly code = 'SCOPE_INVALID';

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`, { field, reason });
  }
}
