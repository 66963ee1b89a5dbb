import { PromqlSyntaxError, placeholderName, type StringPart } from './promql/tokenizer.js';
import type { ConditionTemplate } from './types.js';

/**
 * Threshold conditions (`result[0] >= {{args.min}}`) are expressions the judge evaluates, not PromQL.
 * Placeholders in them may only take number arguments, which keeps the expression's shape fixed.
 */
export function parseCondition(source: string): ConditionTemplate {
  const parts: StringPart[] = [];
  let rest = source;
  let offset = 0;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) break;
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new PromqlSyntaxError('unterminated placeholder: "{{" without "}}"', offset + open);
    const name = placeholderName(rest.slice(open + 2, close), offset + open);
    if (!name.startsWith('args.')) {
      throw new PromqlSyntaxError(`{{${name}}} cannot be used in a condition`, offset + open);
    }
    if (open > 0) parts.push({ raw: rest.slice(0, open) });
    parts.push({ placeholder: name });
    offset += close + 2;
    rest = rest.slice(close + 2);
  }
  if (rest) parts.push({ raw: rest });
  return { source, parts };
}

export function conditionArgs(condition: ConditionTemplate | undefined): string[] {
  return (condition?.parts ?? []).flatMap((p) => ('placeholder' in p ? [p.placeholder.slice('args.'.length)] : []));
}

/** Substitutes validated number values. */
export function renderCondition(condition: ConditionTemplate, value: (name: string) => string): string {
  return condition.parts.map((p) => ('raw' in p ? p.raw : value(p.placeholder))).join('');
}
