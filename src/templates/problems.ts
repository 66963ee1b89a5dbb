import type { ZodIssue } from 'zod';
import type { TemplateProblem } from '../errors/template-errors.js';

/** `['spec', 'metrics', 0, 'ratio']` → `spec.metrics[0].ratio`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

/** A problem whose message names the file and the field, so it reads well printed on its own. */
export function problem(file: string, field: string | undefined, message: string): TemplateProblem {
  return field
    ? { file, field, message: `${file}: ${field}: ${message}` }
    : { file, message: `${file}: ${message}` };
}

/** Collects problems for one document; `prefix` is `documents[i]` in multi-document files. */
export class ProblemList {
  readonly items: TemplateProblem[] = [];

  constructor(
    readonly file: string,
    private readonly prefix = '',
  ) {}

  add(field: string | ReadonlyArray<string | number>, message: string): void {
    const path = typeof field === 'string' ? field : formatPath(field);
    const full = this.prefix && path ? `${this.prefix}.${path}` : this.prefix || path;
    this.items.push(problem(this.file, full || undefined, message));
  }

  /** `base` prefixes the issue paths when the schema parsed only part of the document. */
  addZodIssues(issues: readonly ZodIssue[], base = ''): void {
    const at = (path: ReadonlyArray<string | number>) =>
      [base, formatPath(path)].filter(Boolean).join(typeof path[0] === 'number' ? '' : '.');
    for (const issue of issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          this.add(at([...issue.path, key]), 'unknown field (see analysis-templates/README.md for the format)');
        }
      } else {
        this.add(at(issue.path), zodMessage(issue));
      }
    }
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

function zodMessage(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined'
        ? 'is required'
        : `must be ${article(issue.expected)} (got ${issue.received})`;
    case 'invalid_enum_value':
      return `must be one of ${issue.options.join(', ')} (got ${JSON.stringify(issue.received)})`;
    case 'invalid_literal':
      return `must be ${JSON.stringify(issue.expected)} (got ${JSON.stringify(issue.received)})`;
    case 'too_small':
      return issue.type === 'array'
        ? `must have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`
        : issue.type === 'string'
          ? 'must not be empty'
          : `must be ≥ ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'string' ? `must be at most ${issue.maximum} characters` : `must be ≤ ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'a mapping';
  if (/^[aeiou]/.test(type)) return `an ${type}`;
  return `a ${type}`;
}
