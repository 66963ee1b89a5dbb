import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  InvalidTemplateError,
  TemplateNotFoundError,
} from '../../src/errors/template-errors.js';
import { parseTemplate, parseTemplateFile } from '../../src/templates/parse.js';
import { loadOk, problemsOf, render } from './helpers.js';

const FILE = 'analysis-templates/test.yaml';

/** A valid ratio template; tests break one thing in it at a time. */
const BASE = `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata:
  name: base
spec:
  args:
    - name: service
  metrics:
    - name: error-rate
      kind: ratio
      ratio:
        bad: sum(increase(requests_total{service="{{args.service}}", code=~"5.."}[{{interval}}]))
        total: sum(increase(requests_total{service="{{args.service}}"}[{{interval}}]))
`;

const HISTOGRAM = (block: string, args = '') => `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: latency }
spec:
  args: [${args}]
  metrics:
    - name: latency
      kind: histogram
      histogram:
        buckets: sum by (le) (increase(h_bucket[{{interval}}]))
${block}
`;

const BURN = (block: string, args = '') => `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: burn }
spec:
  args: [${args}]
  metrics:
    - name: burn
      kind: burnRate
      burnRate:
${block}
`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('template validation names the file and the field of every problem', () => {
  const cases: Array<[string, string, string]> = [
    [
      'a negative latency bound',
      HISTOGRAM('        bounds: [0.1, -1]'),
      'spec.metrics[0].histogram.bounds[1]: must be a positive number (got -1)',
    ],
    [
      'latency bounds that do not rise',
      HISTOGRAM('        bounds: [0.5, 0.25]'),
      'spec.metrics[0].histogram.bounds[1]: must be greater than the bound before it (0.5)',
    ],
    [
      'a quantile outside (0, 1)',
      HISTOGRAM('        quantileBounds: [{ quantile: 99, maxSeconds: 1 }]'),
      'spec.metrics[0].histogram.quantileBounds[0].quantile: must be a number between 0 and 1 (exclusive) (got 99)',
    ],
    [
      'a misspelt field',
      BASE.replace('kind: ratio', 'kind: ratio\n      weigth: 2'),
      'spec.metrics[0].weigth: unknown field (see analysis-templates/README.md for the format)',
    ],
    [
      'an unknown kind',
      BASE.replace('kind: ratio', 'kind: rate'),
      'spec.metrics[0].kind: must be one of ratio, histogram, burnRate, threshold (got "rate")',
    ],
    [
      'a missing kind block',
      BASE.replace('      ratio:', '      histogram:').replace(/bad:.*\n/, 'buckets: x[{{interval}}]\n').replace(/ +total:.*\n/, ''),
      'spec.metrics[0].ratio: is required for kind ratio',
    ],
    [
      'a tolerance below 1',
      BASE.replace('      ratio:', '      ratio:\n        tolerance: 0.5'),
      'spec.metrics[0].ratio.tolerance: must be a number ≥ 1 (got 0.5)',
    ],
    [
      'a maxRate above 1',
      BASE.replace('      ratio:', '      ratio:\n        maxRate: 5'),
      'spec.metrics[0].ratio.maxRate: must be a number greater than 0 and at most 1 (got 5)',
    ],
    [
      'a word where a number belongs',
      BASE.replace('      ratio:', '      ratio:\n        passBelow: lots'),
      'spec.metrics[0].ratio.passBelow: must be a number or a "{{args.<name>}}" placeholder',
    ],
    ['no metrics', BASE.replace(/ {2}metrics:[\s\S]*/, '  metrics: []\n'), 'spec.metrics: must have at least 1 item'],
    ['a missing metric name', BASE.replace('- name: error-rate\n      kind', '- kind'), 'spec.metrics[0].name: is required'],
    ['an upper-case template name', BASE.replace('name: base', 'name: Base'), 'metadata.name: must be lowercase letters, digits, "-" or "." (a Kubernetes name)'],
    ['a wrong apiVersion', BASE.replace('wavegate.dev/v1alpha1', 'wavegate.dev/v2'), 'apiVersion: must be "wavegate.dev/v1alpha1" (got "wavegate.dev/v2")'],
    [
      'an unbalanced query',
      BASE.replace('code=~"5.."}[{{interval}}]))', 'code=~"5.."}[{{interval}}])'),
      'spec.metrics[0].ratio.bad: unbalanced "(" (at column 84)',
    ],
    [
      'an unterminated string in a multi-line query',
      BASE.replace(/bad: .*\n/, 'bad: |\n          sum(\n            x{a="b}[{{interval}}])\n'),
      'spec.metrics[0].ratio.bad: unterminated string literal (at line 2, column 7)',
    ],
    [
      'a query without {{interval}}',
      BASE.replace('[{{interval}}]))\n', '[5m]))\n'),
      'spec.metrics[0].ratio.bad: must use {{interval}} as its range, e.g. increase(metric[{{interval}}]), so each reading covers exactly one interval',
    ],
    [
      'an undeclared argument',
      BASE.replace('service="{{args.service}}", code', 'service="{{args.svc}}", code'),
      'spec.metrics[0].ratio.bad: uses {{args.svc}}, which is not declared in spec.args',
    ],
    [
      'an unknown placeholder',
      BASE.replace('code=~"5.."', 'code=~"{{code}}"'),
      'spec.metrics[0].ratio.bad: unknown placeholder {{code}}: use {{args.<name>}}, {{interval}} or {{window}} (at column 64)',
    ],
    [
      '{{window}} outside a burnRate metric',
      BASE.replace('[{{interval}}]))\n', '[{{window}}]))\n'),
      'spec.metrics[0].ratio.bad: {{window}} cannot be used here (allowed: {{interval}})',
    ],
    [
      'a default that is not a number',
      BASE.replace('    - name: service\n', '    - name: service\n    - name: max\n      type: number\n      default: lots\n'),
      'spec.args[1].default: must be a decimal number (got "lots")',
    ],
    [
      'a pattern that is not a regex',
      BASE.replace('    - name: service\n', "    - name: service\n      pattern: '[a-'\n"),
      'spec.args[0].pattern: is not a valid regular expression: ',
    ],
    [
      'a duplicate argument',
      BASE.replace('    - name: service\n', '    - name: service\n    - name: service\n'),
      'spec.args[1].name: duplicate argument "service"',
    ],
    [
      'a duplicate metric',
      BASE + BASE.slice(BASE.indexOf('    - name: error-rate')),
      'spec.metrics[1].name: duplicate metric name "error-rate" in this template',
    ],
    [
      'an objective written as a fraction',
      BURN('        bad: x[{{window}}]\n        total: y[{{window}}]\n        objective: 0.999'),
      'spec.metrics[0].burnRate.objective: must be a percentage between 1 and 100 (exclusive), e.g. 99.9 (got 0.999)',
    ],
    [
      'a burnRate query without {{window}}',
      BURN('        bad: x[{{interval}}]\n        total: y[{{window}}]\n        objective: 99.9'),
      'spec.metrics[0].burnRate.bad: must use {{window}} as its range, e.g. increase(metric[{{window}}]), so each reading covers exactly one window',
    ],
    [
      'a bad burn-rate row window',
      BURN('        bad: x[{{window}}]\n        total: y[{{window}}]\n        objective: 99.9\n        rows: [{ longWindow: 1 hour, shortWindow: 5m, burnRate: 14.4 }]'),
      'spec.metrics[0].burnRate.rows[0].longWindow: must be a Prometheus duration such as 5m, 1h or 1h30m',
    ],
    [
      'a numeric setting from a string argument',
      BURN('        bad: x[{{window}}]\n        total: y[{{window}}]\n        objective: "{{args.slo}}"', '{ name: slo }'),
      'spec.metrics[0].burnRate.objective: uses {{args.slo}}, which must be declared with type: number',
    ],
    [
      'a numeric argument whose default is out of range',
      BURN('        bad: x[{{window}}]\n        total: y[{{window}}]\n        objective: "{{args.slo}}"', '{ name: slo, type: number, default: "0.999" }'),
      'spec.metrics[0].burnRate.objective: default of args.slo (0.999) must be a percentage between 1 and 100 (exclusive), e.g. 99.9',
    ],
    [
      'a burnRate metric with direction decrease',
      BURN('        bad: x[{{window}}]\n        total: y[{{window}}]\n        objective: 99').replace('kind: burnRate', 'kind: burnRate\n      direction: decrease'),
      'spec.metrics[0].direction: burnRate metrics only support increase',
    ],
    [
      'a threshold metric without conditions',
      BASE.replace(/ {6}ratio:[\s\S]*/, '      threshold:\n        query: up\n').replace('kind: ratio', 'kind: threshold'),
      'spec.metrics[0].threshold: needs a successCondition or a failureCondition',
    ],
    [
      'a kind block that does not belong to the kind',
      BASE.replace('      ratio:', '      threshold: { query: up, successCondition: result > 0 }\n      ratio:'),
      'spec.metrics[0].threshold: does not belong to a metric of kind ratio',
    ],
  ];

  it.each(cases)('reports %s', (_, yaml, expected) => {
    const problems = problemsOf(yaml, FILE);
    // Engine-worded tails (regex errors) are compared by prefix; everything else reads exactly so.
    const match = expected.endsWith(': ') ? problems.find((p) => p.startsWith(`${FILE}: ${expected}`)) : problems.find((p) => p === `${FILE}: ${expected}`);
    expect(match, problems.join('\n')).toBeDefined();
  });

  it('reports YAML syntax errors with the file, line and column', () => {
    const [message] = problemsOf('apiVersion: wavegate.dev/v1alpha1\nkind: [unclosed\n', FILE);
    expect(message).toMatch(/^analysis-templates\/test\.yaml: line \d+, column \d+: invalid YAML: /);
  });

  it('reports documents that are neither wavegate nor Argo templates', () => {
    expect(problemsOf('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\n', FILE)).toEqual([
      `${FILE}: kind: expected apiVersion wavegate.dev/v1alpha1 with kind AnalysisTemplate, or an Argo Rollouts AnalysisTemplate/ClusterAnalysisTemplate (argoproj.io/v1alpha1); got apps/v1 Deployment`,
    ]);
  });

  it('prefixes field paths with the document index in multi-document files, and loads the good documents', () => {
    const yaml = `${BASE}---${BASE.replace('name: base', 'name: other').replace('kind: ratio', 'kind: ratio\n      weight: -1')}`;
    expect(problemsOf(yaml, FILE)).toEqual([`${FILE}: documents[1].spec.metrics[0].weight: must be ≥ 0`]);
    expect(parseTemplateFile(yaml, FILE).templates.map((t) => t.name)).toEqual(['base']);
  });

  it('throws InvalidTemplateError with file and field from parseTemplate', () => {
    const err = thrown(() => parseTemplate(HISTOGRAM('        bounds: [0.1, -1]'), 'analysis-templates/http-latency.yaml'));
    expect(err).toBeInstanceOf(InvalidTemplateError);
    expect(err).toMatchObject({
      code: 'TEMPLATE_INVALID',
      message: 'analysis-templates/http-latency.yaml: spec.metrics[0].histogram.bounds[1]: must be a positive number (got -1)',
      details: { file: 'analysis-templates/http-latency.yaml', field: 'spec.metrics[0].histogram.bounds[1]' },
    });
  });

  it('returns the template from parseTemplate when the file holds exactly one valid template', () => {
    const template = parseTemplate(BASE, FILE);
    expect(template).toMatchObject({ name: 'base', file: FILE, format: 'wavegate', args: [{ name: 'service', type: 'string' }] });
  });
});

describe('rendering errors name the argument, template or field', () => {
  it('names every missing required argument and ignores unknown ones', () => {
    const templates = new Map([
      ...loadOk(BASE),
      ...loadOk(HISTOGRAM('', '{ name: region }').replace('h_bucket[', 'h_bucket{region="{{args.region}}"}[')),
    ]);
    const err = thrown(() => render(templates, { args: { unrelated: 'x' } }));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err).toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: 'args.service: is required by template base (also missing: args.region)',
      details: { field: 'args.service', missing: ['args.service', 'args.region'] },
    });
    expect(render(templates, { args: { service: 'a', region: 'eu', unrelated: 'x' } })).toHaveLength(2);
  });

  it('checks an argument against its pattern and names it', () => {
    const templates = loadOk(BASE.replace('    - name: service\n', "    - name: service\n      pattern: '[a-z]+'\n"));
    expect(thrown(() => render(templates, { args: { service: 'Checkout' } }))).toMatchObject({
      code: 'ARGUMENT_INVALID',
      details: { field: 'args.service', reason: 'must match [a-z]+ (got "Checkout") (template base)' },
    });
  });

  it('range-checks a numeric argument for the setting it feeds', () => {
    const templates = loadOk(
      BURN('        bad: x[{{window}}]\n        total: y[{{window}}]\n        objective: "{{args.slo}}"', '{ name: slo, type: number, default: "99.9" }'),
    );
    expect(thrown(() => render(templates, { args: { slo: '0.999' } }))).toMatchObject({
      details: {
        field: 'args.slo',
        reason: 'must be a percentage between 1 and 100 (exclusive), e.g. 99.9 for spec.metrics[0].burnRate.objective (got 0.999)',
      },
    });
  });

  it('refuses latency bounds from arguments that do not rise', () => {
    const templates = loadOk(HISTOGRAM('        bounds: [0.5, "{{args.b}}"]', '{ name: b, type: number }'));
    expect(thrown(() => render(templates, { args: { b: '0.25' } }))).toMatchObject({
      details: { field: 'args.b', reason: 'histogram bounds must rise, got 0.5 then 0.25' },
    });
  });

  it('names every unknown template', () => {
    const err = thrown(() => render(loadOk(BASE), { templates: ['base', 'nope', 'gone'], args: { service: 'a' } }));
    expect(err).toBeInstanceOf(TemplateNotFoundError);
    expect(err).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', details: { names: ['nope', 'gone'] } });
  });

  it('refuses an empty template list and an interval that is not a positive whole number of milliseconds', () => {
    expect(thrown(() => render(loadOk(BASE), { templates: [] }))).toMatchObject({ details: { field: 'templates' } });
    for (const intervalMs of [0, -1000, 1.5, Number.NaN]) {
      expect(thrown(() => render(loadOk(BASE), { intervalMs, args: { service: 'a' } }))).toMatchObject({
        details: { field: 'intervalMs' },
      });
    }
  });
});
