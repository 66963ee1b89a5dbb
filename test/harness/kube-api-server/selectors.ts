import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

export type Filter = (object: KubeObject) => boolean;

/**
 * `fieldSelector` (`metadata.name`, `metadata.namespace`; `=`, `==`, `!=`) and `labelSelector`
 * (`k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`), ANDed. Unsupported fields are a
 * 400, as on a real server.
 */
export function selectorFilter(fieldSelector: string | null, labelSelector: string | null): Filter {
  const tests = [...fieldTests(fieldSelector ?? ''), ...labelTests(labelSelector ?? '')];
  return (object) => tests.every((test) => test(object));
}

function fieldTests(selector: string): Filter[] {
  return terms(selector).map((term) => {
    const match = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid field selector: "${term}"`);
    const [, field = '', op, value] = match;
    const read: ((o: KubeObject) => string) | undefined =
      field === 'metadata.name' ? (o) => o.metadata.name : field === 'metadata.namespace' ? (o) => o.metadata.namespace : undefined;
    if (!read) throw badRequest(`field label not supported: ${field}`);
    return op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
  });
}

function labelTests(selector: string): Filter[] {
  return terms(selector).map((term) => {
    const labels = (o: KubeObject) => o.metadata.labels ?? {};
    let match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (match) {
      const [, key = '', op, list = ''] = match;
      const values = list.split(',').map((v) => v.trim());
      return op === 'in' ? (o) => values.includes(labels(o)[key] ?? '\0') : (o) => !values.includes(labels(o)[key] ?? '\0');
    }
    match = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (match) {
      const [, key = '', op, value] = match;
      return op === '!=' ? (o) => labels(o)[key] !== value : (o) => labels(o)[key] === value;
    }
    match = /^(!?)([\w./-]+)$/.exec(term);
    if (match) {
      const [, not, key = ''] = match;
      return not ? (o) => !(key in labels(o)) : (o) => key in labels(o);
    }
    throw badRequest(`unable to parse requirement: "${term}"`);
  });
}

/** Splits on commas outside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim()).filter(Boolean);
}
