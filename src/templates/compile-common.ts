import { compileQuery, type CompiledQuery } from './promql/compile.js';
import { PromqlSyntaxError } from './promql/tokenizer.js';
import { parseCondition } from './conditions.js';
import type { ProblemList } from './problems.js';
import type { ConditionTemplate, NumberField, TemplateArg } from './types.js';
import { checkArgValue, checkNumber, compilePattern } from './values.js';

/** "at line 2, column 14" (1-based) inside a possibly multi-line query. */
function where(source: string, pos: number): string {
  const before = source.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return line > 1 || source.includes('\n') ? `at line ${line}, column ${column}` : `at column ${column}`;
}

export function compileQueryField(problems: ProblemList, field: string, source: string): CompiledQuery | undefined {
  try {
    return compileQuery(source);
  } catch (err) {
    if (!(err instanceof PromqlSyntaxError)) throw err;
    problems.add(field, `${err.message} (${where(source, err.pos)})`);
    return undefined;
  }
}

export function parseConditionField(
  problems: ProblemList,
  field: string,
  source: string | undefined,
): ConditionTemplate | undefined {
  if (source === undefined) return undefined;
  try {
    return parseCondition(source);
  } catch (err) {
    if (!(err instanceof PromqlSyntaxError)) throw err;
    problems.add(field, `${err.message} (${where(source, err.pos)})`);
    return undefined;
  }
}

/** Checks argument declarations: unique names, patterns that compile, defaults that fit. */
export function checkArgs(args: TemplateArg[], problems: ProblemList, at = 'spec.args'): void {
  const seen = new Set<string>();
  args.forEach((arg, i) => {
    if (seen.has(arg.name)) problems.add(`${at}[${i}].name`, `duplicate argument "${arg.name}"`);
    seen.add(arg.name);
    if (arg.pattern !== undefined) {
      try {
        compilePattern(arg.pattern);
      } catch (err) {
        problems.add(`${at}[${i}].pattern`, `is not a valid regular expression: ${(err as Error).message}`);
        return;
      }
    }
    if (arg.default !== undefined) {
      const reason = checkArgValue(arg, arg.default);
      if (reason) problems.add(`${at}[${i}].default`, reason);
    }
  });
}

/**
 * A numeric setting that names an argument: the argument must exist and be a number, and its default
 * (if any) must already satisfy the setting's range, so a template never loads with a default that
 * would fail every request.
 */
export function checkNumberFieldArg(
  field: NumberField | undefined,
  args: Map<string, TemplateArg>,
  problems: ProblemList,
): void {
  if (field === undefined || !('arg' in field)) return;
  const arg = args.get(field.arg);
  if (!arg) {
    problems.add(field.field, `uses {{args.${field.arg}}}, which is not declared in spec.args`);
  } else if (arg.type !== 'number') {
    problems.add(field.field, `uses {{args.${field.arg}}}, which must be declared with type: number`);
  } else if (arg.default !== undefined && checkArgValue(arg, arg.default) === null) {
    const reason = checkNumber(Number(arg.default), field.constraint);
    if (reason) problems.add(field.field, `default of args.${arg.name} (${arg.default}) ${reason}`);
  }
}
