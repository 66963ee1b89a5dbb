import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidScopeError } from '../../src/errors/template-errors.js';
import { escapeStringContent } from '../../src/templates/promql/escape.js';
import { loadOk, problemsOf, promtoolCheck, render, renderThreshold, thresholdTemplate } from './helpers.js';

const SERVICE_ARG = '{ name: service }';

/** Renders `query` with args.service = value (a string arg) and no scope. */
function withService(query: string, value: string): string {
  return renderThreshold(query, {}, { service: value }, SERVICE_ARG);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/** Deterministic awkward strings: quotes, escapes, control characters, braces, emoji. */
function randomValues(count: number): string[] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = ['"', "'", '\\', '\n', '\r', '\t', '\u0000', '\u007f', '{', '}', '#', ' ', 'a', 'é', '😀', '`', '$', '.', '*', '|'];
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
  );
}

/** Where PromQL's lexer ends a double-quoted string starting at 0 (escapes skip a character; newline is an error). */
function stringLiteralEnd(src: string): number {
  for (let i = 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '\n') return -1;
    else if (src[i] === '"') return i;
  }
  return -1;
}

/** Go's unquoting of a double-quoted PromQL string literal, enough for what escapeStringContent emits. */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(x[0-9a-f]{2}|.)/g, (_, e: string) => {
    if (e.startsWith('x') && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' } as Record<string, string>)[e] ?? `<bad \\${e}>`;
  });
}

describe('arguments cannot inject PromQL', () => {
  const injections: Array<[string, string, string]> = [
    // [value, rendered exact matcher, rendered regex matcher]
    ['x"} or vector(1) #', 'up{service="x\\"} or vector(1) #"}', 'up{service=~"x\\"\\\\} or vector\\\\(1\\\\) #"}'],
    ['.*', 'up{service=".*"}', 'up{service=~"\\\\.\\\\*"}'],
    ['a|b', 'up{service="a|b"}', 'up{service=~"a\\\\|b"}'],
    ['line1\nline2', 'up{service="line1\\nline2"}', 'up{service=~"line1\\nline2"}'],
    ['back\\slash', 'up{service="back\\\\slash"}', 'up{service=~"back\\\\\\\\slash"}'],
    ['tab\there\u0001', 'up{service="tab\\there\\x01"}', 'up{service=~"tab\\there\\x01"}'],
    ['{{args.service}}', 'up{service="{{args.service}}"}', 'up{service=~"\\\\{\\\\{args\\\\.service\\\\}\\\\}"}'],
  ];

  it.each(injections)('keeps %j inside the matcher value', (value, exact, regex) => {
    expect(withService('up{service="{{args.service}}"}', value)).toBe(exact);
    expect(withService('up{service=~"{{args.service}}"}', value)).toBe(regex);
  });

  it('produces queries that Prometheus parses, whatever the value', () => {
    const values = [...injections.map(([value]) => value), ...randomValues(100)];
    const rendered = values.flatMap((value) => [
      withService('up{service="{{args.service}}"}', value),
      withService('up{service=~"{{args.service}}"}', value),
    ]);
    expect(promtoolCheck(rendered)).toContain(`SUCCESS: ${rendered.length} rules found`);
  });

  it('escapes regex metacharacters around a template-written regex without changing the template part', () => {
    expect(withService('up{pod=~"{{args.service}}-[a-z0-9]+"}', 'a.b')).toBe('up{pod=~"a\\\\.b-[a-z0-9]+"}');
  });

  it('round-trips any string through the literal escaping, and the literal ends only at its closing quote', () => {
    for (const value of randomValues(500)) {
      const literal = `"${escapeStringContent(value)}"`;
      expect(stringLiteralEnd(literal)).toBe(literal.length - 1);
      expect(unquote(literal)).toBe(value);
    }
  });

  it('refuses number and duration values that are anything but a number or a duration', () => {
    const yaml = thresholdTemplate('topk({{args.k}}, rate(x[{{args.window}}]))', '{ name: k, type: number }, { name: window, type: duration }');
    const templates = loadOk(yaml);
    const attempt = (k: string, window: string) =>
      thrown(() => render(templates, { args: { k, window }, scopes: { canary: {}, baseline: {} } }));
    for (const bad of ['1) or vector(1', '1 or vector(1)', 'Inf', 'NaN', '0x10', '1e', ' 1', '']) {
      expect(attempt(bad, '5m')).toMatchObject({ code: 'ARGUMENT_INVALID', details: { field: 'args.k' } });
    }
    for (const bad of ['5m] or vector(1) [5m', '5', '30s1m', '-5m', '5 m', '0s']) {
      expect(attempt('3', bad)).toMatchObject({ code: 'ARGUMENT_INVALID', details: { field: 'args.window' } });
    }
    const [spec] = render(templates, { args: { k: '3', window: '1h30m' }, scopes: { canary: {}, baseline: {} } });
    expect(spec?.kind === 'threshold' && spec.query).toBe('topk(3, rate(x[1h30m]))');
  });

  it('matches the pattern against the whole value, not a part of it', () => {
    const templates = loadOk(thresholdTemplate('up{service="{{args.service}}"}', "{ name: service, pattern: '[a-z]+' }"));
    const err = thrown(() => render(templates, { args: { service: 'abc"} or vector(1)' } }));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err).toMatchObject({ details: { field: 'args.service' } });
  });

  it('refuses an empty value, which would select series without the label', () => {
    const templates = loadOk(thresholdTemplate('up{service="{{args.service}}"}', SERVICE_ARG));
    expect(thrown(() => render(templates, { args: { service: '' } }))).toMatchObject({
      code: 'ARGUMENT_INVALID',
      details: { field: 'args.service', reason: expect.stringContaining('must not be empty') },
    });
  });

  it('refuses values that are not well-formed Unicode or are very long', () => {
    const templates = loadOk(thresholdTemplate('up{service="{{args.service}}"}', SERVICE_ARG));
    expect(thrown(() => render(templates, { args: { service: 'a\uD800' } }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => render(templates, { args: { service: 'a'.repeat(1025) } }))).toBeInstanceOf(InvalidArgumentError);
  });

  it('refuses a non-string value smuggled in by an untyped caller', () => {
    const templates = loadOk(thresholdTemplate('up{service="{{args.service}}"}', SERVICE_ARG));
    const args = { service: ['x'] } as unknown as Record<string, string>;
    expect(thrown(() => render(templates, { args }))).toMatchObject({ details: { field: 'args.service' } });
  });
});

describe('templates cannot put a string argument where it could change the query', () => {
  const rejected: Array<[string, string]> = [
    ['bare, as a metric name', '{{args.service}}'],
    ['bare, after a selector', 'up{job="a"} {{args.service}}'],
    ['as a label name', 'up{ {{args.service}}="x" }'],
    ['as a quoted metric name', '{"{{args.service}}"}'],
    ['in a single-quoted matcher value', "up{service='{{args.service}}'}"],
    ['in a backtick matcher value', 'up{service=`{{args.service}}`}'],
    ['in a function argument', 'label_replace(up, "x", "{{args.service}}", "y", ".*")'],
    ['in count_values', 'count_values("{{args.service}}", up)'],
  ];
  it.each(rejected)('rejects one %s at load time', (_, query) => {
    const problems = problemsOf(thresholdTemplate(query, SERVICE_ARG));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^analysis-templates\/test\.yaml: spec\.metrics\[0\]\.threshold\.query: /);
  });

  it('rejects a string argument in a condition', () => {
    const yaml = thresholdTemplate('up', SERVICE_ARG).replace('result[0] < 1', 'result[0] < {{args.service}}');
    expect(problemsOf(yaml)).toEqual([
      'analysis-templates/test.yaml: spec.metrics[0].threshold.successCondition: {{args.service}} must be declared with type: number to be used in a condition',
    ]);
  });

  it('rejects {{interval}} inside a string literal', () => {
    expect(problemsOf(thresholdTemplate('up{a="{{interval}}"}'))).toEqual([
      'analysis-templates/test.yaml: spec.metrics[0].threshold.query: {{interval}} is a duration: use it as a range or offset, e.g. [{{interval}}]',
    ]);
  });

  it('requires number and duration arguments where PromQL expects each', () => {
    const Q = 'analysis-templates/test.yaml: spec.metrics[0].threshold.query: ';
    const args = '{ name: n, type: number }, { name: d, type: duration }';
    expect(problemsOf(thresholdTemplate('rate(x[{{args.n}}])', args))).toEqual([
      `${Q}{{args.n}} is a number argument, but a duration is expected inside [...] or after offset`,
    ]);
    expect(problemsOf(thresholdTemplate('x > {{args.d}}', args))).toEqual([
      `${Q}{{args.d}} is a duration argument, but a number is expected here`,
    ]);
    expect(problemsOf(thresholdTemplate('x offset {{args.d}} > {{args.n}}', args))).toEqual([]);
    expect(problemsOf(thresholdTemplate('x / {{interval}}'))).toEqual([
      `${Q}{{interval}} is a duration: use it as a range or offset, e.g. [{{interval}}]`,
    ]);
  });
});

describe('scopes cannot inject PromQL', () => {
  it('escapes scope values inside the matcher', () => {
    expect(renderThreshold('up', { track: 'x"} or vector(1) #' })).toBe('up{track="x\\"} or vector(1) #"}');
    expect(renderThreshold('up', { track: 'a\\"\nb' })).toBe('up{track="a\\\\\\"\\nb"}');
  });

  it.each([
    ['a"b', 'is not a valid Prometheus label name'],
    ['a b', 'is not a valid Prometheus label name'],
    ['9lives', 'is not a valid Prometheus label name'],
    ['track"} or vector(1) #', 'is not a valid Prometheus label name'],
    ['__name__', 'reserved'],
  ])('refuses the label name %j with a SCOPE_INVALID error naming the scope and label', (label, reason) => {
    const templates = loadOk(thresholdTemplate('up'));
    const err = thrown(() => render(templates, { scopes: { canary: { [label]: 'x' }, baseline: {} } }));
    expect(err).toBeInstanceOf(InvalidScopeError);
    expect(err).toMatchObject({
      code: 'SCOPE_INVALID',
      details: { field: `scopes.canary.${label}`, reason: expect.stringContaining(reason) },
    });
  });

  it('refuses empty and non-string scope values', () => {
    const templates = loadOk(thresholdTemplate('up'));
    expect(thrown(() => render(templates, { scopes: { canary: {}, baseline: { track: '' } } }))).toMatchObject({
      details: { field: 'scopes.baseline.track' },
    });
    const scopes = { canary: { track: 1 }, baseline: {} } as unknown as { canary: Record<string, string>; baseline: Record<string, string> };
    expect(thrown(() => render(templates, { scopes }))).toMatchObject({ details: { field: 'scopes.canary.track' } });
  });

  it('produces scoped queries that Prometheus parses', () => {
    const rendered = [
      renderThreshold('sum by (le) (rate(h_bucket{job="a"}[5m])) / on(le) group_left sum(rate(h_count[5m]))', { track: 'x"} or vector(1) #', zone: 'é\\' }),
      renderThreshold('up', { track: 'a\nb' }),
    ];
    expect(promtoolCheck(rendered)).toContain('SUCCESS: 2 rules found');
  });
});
