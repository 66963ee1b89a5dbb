import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseConfig } from '../../src/config.js';
import { loadTemplates } from '../../src/templates/index.js';
import { ChartFailure, goFloat, renderChart } from './helm-lite.js';
import { configVariables, read, ROOT } from './ops-helpers.js';

const CHART = join(ROOT, 'charts/wavegate');
const chartYaml = YAML.parse(read('charts/wavegate/Chart.yaml')) as Record<string, any>;
const valuesText = read('charts/wavegate/values.yaml');
const values = YAML.parse(valuesText) as Record<string, any>;
const templateFiles = readdirSync(join(CHART, 'templates'));
const templateText = (f: string) => read(`charts/wavegate/templates/${f}`);
const deploymentText = templateText('deployment.yaml');

/** Everything on: Redis, the Secret (with PROMETHEUS_URL from it), chart templates, ServiceMonitor. */
const FULL = {
  replicaCount: 3,
  redis: { enabled: true },
  secrets: { existingSecret: 'wavegate-secrets', keys: { prometheusUrl: 'PROMETHEUS_URL' } },
  config: { grafanaUrl: 'https://grafana.example.com', publicUrl: 'https://wavegate.example.com', bodyLimitBytes: 1048576, fleetFile: '/etc/wavegate/fleet.yaml', gitReposFile: '/etc/wavegate/repos.yaml', gitWorkDir: '/tmp/git', kubeconfig: '/etc/wavegate/kubeconfig' },
  analysisTemplates: { files: { 'checkout.yaml': 'apiVersion: wavegate.dev/v1\nkind: AnalysisTemplate\n' } },
  serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
};

const kind = (manifests: Array<Record<string, any>>, k: string) => manifests.filter((m) => m.kind === k);
const deploymentOf = (v: Record<string, unknown> = {}) => {
  const d = kind(renderChart({ chartDir: CHART, values: v }).manifests, 'Deployment');
  expect(d).toHaveLength(1);
  return d[0]!;
};
const containerOf = (v: Record<string, unknown> = {}) => deploymentOf(v).spec.template.spec.containers[0];
const envOf = (v: Record<string, unknown> = {}) => containerOf(v).env as Array<{ name: string; value?: string; valueFrom?: any }>;

describe('charts/wavegate: files', () => {
  it('Chart.yaml is a v2 application chart whose appVersion is package.json\'s version', () => {
    expect(chartYaml).toMatchObject({ apiVersion: 'v2', name: 'wavegate', type: 'application' });
    expect(chartYaml.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(chartYaml.appVersion).toBe((JSON.parse(read('package.json')) as { version: string }).version);
  });

  it('values.yaml parses and documents every environment variable of src/config.ts', () => {
    expect(values).toMatchObject({ config: expect.any(Object), secrets: expect.any(Object), analysisTemplates: expect.any(Object) });
    const documented = configVariables().filter((name) => !new RegExp(`#.*\\b${name}\\b`).test(valuesText));
    expect(documented).toEqual([]);
  });

  it('the Deployment template sets every environment variable of src/config.ts', () => {
    const missing = configVariables().filter((name) => !deploymentText.includes(`- name: ${name}\n`));
    expect(missing).toEqual([]);
  });

  it('has the templates a platform team expects', () => {
    for (const f of ['_helpers.tpl', 'deployment.yaml', 'service.yaml', 'serviceaccount.yaml', 'configmap-templates.yaml', 'servicemonitor.yaml', 'pdb.yaml', 'NOTES.txt']) {
      expect(templateFiles).toContain(f);
    }
  });

  it('balances Go-template braces and block keywords in every template', () => {
    for (const f of templateFiles) {
      const text = templateText(f);
      expect(text.split('{{').length, `${f}: {{ vs }}`).toBe(text.split('}}').length);
      // no nested or stray braces: every {{ closes before the next one opens
      let depth = 0;
      for (const m of text.matchAll(/\{\{|\}\}/g)) {
        depth += m[0] === '{{' ? 1 : -1;
        expect(depth === 0 || depth === 1, `${f}: nested or stray braces at ${m.index}`).toBe(true);
      }
      const actions = [...text.matchAll(/\{\{-?\s*(.*?)\s*-?\}\}/gs)].map((m) => m[1]!);
      const opens = actions.filter((a) => /^(if|range|with|define|block)\b/.test(a)).length;
      const ends = actions.filter((a) => /^end\b/.test(a)).length;
      expect(ends, `${f}: if/range/with/define vs end`).toBe(opens);
    }
  });

  it('refers only to values that exist in values.yaml and to templates that are defined', () => {
    const all = templateFiles.map((f) => [f, templateText(f)] as const);
    const missing: string[] = [];
    for (const [f, text] of all) {
      for (const m of text.matchAll(/\$?\.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
        const path = m[1]!.slice(1).split('.');
        let node: any = values;
        for (const key of path) {
          if (node === null || typeof node !== 'object' || !(key in node)) {
            missing.push(`${f}: .Values.${path.join('.')}`);
            break;
          }
          node = node[key];
        }
      }
    }
    expect(missing).toEqual([]);
    const defined = new Set(all.flatMap(([, t]) => [...t.matchAll(/define "([^"]+)"/g)].map((m) => m[1]!)));
    const included = all.flatMap(([f, t]) => [...t.matchAll(/include "([^"]+)"/g)].map((m) => [f, m[1]!] as const));
    expect(included.filter(([, name]) => !defined.has(name))).toEqual([]);
  });

  it('never writes a secret into values: secret values only name keys of an existing Secret', () => {
    expect(values.secrets.existingSecret).toBe('');
    expect(Object.values(values.secrets.keys as Record<string, string>).every((k) => k === '' || /^[A-Z_]+$/.test(k))).toBe(true);
    for (const name of ['API_TOKEN', 'PROMETHEUS_BEARER_TOKEN', 'REDIS_URL']) {
      const block = deploymentText.slice(deploymentText.indexOf(`- name: ${name}\n`)).split('- name:')[1]!;
      expect(block, name).toContain('secretKeyRef');
      expect(block, name).not.toMatch(/\bvalue:/);
    }
  });
});

describe('charts/wavegate rendered (helm-lite)', () => {
  it('renders the defaults: one pod, in-memory store, the image\'s templates, no ConfigMap or ServiceMonitor', () => {
    const { manifests, files } = renderChart({ chartDir: CHART });
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const d = deploymentOf();
    expect(d.spec.replicas).toBe(1);
    const env = envOf();
    expect(env.find((e) => e.name === 'TEMPLATES_DIR')!.value).toBe('/app/analysis-templates');
    expect(env.map((e) => e.name)).not.toContain('REDIS_URL');
    expect(env.map((e) => e.name)).not.toContain('API_TOKEN');
    expect(env.find((e) => e.name === 'INSTANCE_ID')!.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(files.get('templates/NOTES.txt')).toMatch(/not\s+authenticated/);
    expect(files.get('templates/NOTES.txt')).toContain('/api/v1/analyses/<id>/explanation');
  });

  it('runs non-root with a read-only root filesystem, no capabilities and no service-account token', () => {
    const d = deploymentOf();
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('wavegate');
    const sa = kind(renderChart({ chartDir: CHART }).manifests, 'ServiceAccount')[0]!;
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' }); // writable scratch on a read-only root
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
  });

  it('probes /healthz for liveness and /readyz for readiness on the http port', () => {
    const c = containerOf();
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const svc = kind(renderChart({ chartDir: CHART }).manifests, 'Service')[0]!;
    expect(svc.spec.ports[0]).toMatchObject({ name: 'http', targetPort: 'http' });
    expect(svc.spec.selector).toEqual(deploymentOf().spec.selector.matchLabels);
  });

  it('with everything on: every config variable set, secrets by reference only, templates mounted', () => {
    const { manifests } = renderChart({ chartDir: CHART, values: FULL });
    const env = envOf(FULL);
    expect(env.map((e) => e.name).sort()).toEqual([...configVariables()].sort());
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    for (const name of ['API_TOKEN', 'PROMETHEUS_BEARER_TOKEN', 'REDIS_URL', 'PROMETHEUS_URL']) {
      expect(byName[name]!.value, name).toBeUndefined();
      expect(byName[name]!.valueFrom.secretKeyRef.name, name).toBe('wavegate-secrets');
    }
    expect(byName['REDIS_URL']!.valueFrom.secretKeyRef.optional).toBeUndefined(); // required when redis.enabled
    expect(byName['API_TOKEN']!.valueFrom.secretKeyRef.optional).toBe(true);
    // Helm keeps numbers as float64: 1048576 would print as 1.048576e+06 without int64
    expect(byName['BODY_LIMIT_BYTES']!.value).toBe('1048576');
    expect(byName['TEMPLATES_DIR']!.value).toBe('/etc/wavegate/analysis-templates');

    const d = kind(manifests, 'Deployment')[0]!;
    expect(d.spec.replicas).toBe(3);
    const cm = kind(manifests, 'ConfigMap')[0]!;
    expect(cm.metadata.name).toBe('wavegate-templates');
    expect(cm.data['checkout.yaml']).toContain('kind: AnalysisTemplate');
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'analysis-templates', configMap: { name: 'wavegate-templates' } });
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'analysis-templates', mountPath: '/etc/wavegate/analysis-templates', readOnly: true });
    expect(d.spec.template.metadata.annotations['checksum/analysis-templates']).toMatch(/^[0-9a-f]{64}$/);

    const sm = kind(manifests, 'ServiceMonitor')[0]!;
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(sm.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
  });

  it('renders an environment wavegate\'s own config parser accepts', () => {
    for (const v of [{}, FULL]) {
      const env: Record<string, string> = {};
      for (const e of envOf(v)) {
        if (e.value !== undefined) env[e.name] = e.value;
        else if (e.valueFrom?.fieldRef) env[e.name] = 'wavegate-5d8f7-abcde';
        else if (e.valueFrom?.secretKeyRef) env[e.name] = { REDIS_URL: 'redis://:pw@redis:6379/0', PROMETHEUS_URL: 'http://user:pw@prometheus:9090', API_TOKEN: 'a'.repeat(32), PROMETHEUS_BEARER_TOKEN: 'token' }[e.name]!;
      }
      const config = parseConfig(env);
      expect(config.PORT).toBe(8080);
      expect(config.DEFAULT_ALPHA).toBe(0.01);
      expect(config.PROMETHEUS_TIMEOUT).toBe(10_000);
    }
  });

  it('uses an existing ConfigMap as is, and changes the template folder, not the chart\'s ConfigMap', () => {
    const { manifests } = renderChart({ chartDir: CHART, values: { analysisTemplates: { existingConfigMap: 'my-templates' } } });
    expect(kind(manifests, 'ConfigMap')).toEqual([]);
    const d = kind(manifests, 'Deployment')[0]!;
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'analysis-templates', configMap: { name: 'my-templates' } });
    expect(d.spec.template.metadata.annotations).toBeUndefined();
  });

  it('refuses several replicas without Redis, and Redis without a Secret', () => {
    expect(() => renderChart({ chartDir: CHART, values: { replicaCount: 2 } })).toThrow(ChartFailure);
    expect(() => renderChart({ chartDir: CHART, values: { replicaCount: 2 } })).toThrow(/redis\.enabled/);
    expect(() => renderChart({ chartDir: CHART, values: { redis: { enabled: true } } })).toThrow(/existingSecret/);
    expect(() => renderChart({ chartDir: CHART, values: { analysisTemplates: { files: { 'bad name': 'x' } } } })).toThrow(/not a file name/);
  });

  it('makes the PodDisruptionBudget from minAvailable or maxUnavailable, and drops it on request', () => {
    const pdb = (v: Record<string, unknown>) => kind(renderChart({ chartDir: CHART, values: v }).manifests, 'PodDisruptionBudget');
    expect(pdb({})[0]!.spec).toMatchObject({ maxUnavailable: 1 });
    expect(pdb({ podDisruptionBudget: { minAvailable: '50%' } })[0]!.spec).toEqual(expect.objectContaining({ minAvailable: '50%' }));
    expect(pdb({ podDisruptionBudget: { minAvailable: '50%' } })[0]!.spec.maxUnavailable).toBeUndefined();
    expect(pdb({ podDisruptionBudget: { enabled: false } })).toEqual([]);
  });

  it('pins the image by digest when one is given', () => {
    expect(containerOf().image).toBe(`wavegate:${chartYaml.appVersion}`);
    expect(containerOf({ image: { tag: '1.2.3' } }).image).toBe('wavegate:1.2.3');
    expect(containerOf({ image: { digest: `sha256:${'a'.repeat(64)}` } }).image).toBe(`wavegate@sha256:${'a'.repeat(64)}`);
  });
});

describe('the repository\'s AnalysisTemplates through the chart\'s ConfigMap', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('load in wavegate from a ConfigMap volume (a folder of links into ..data)', async () => {
    const names = (await readdir(join(ROOT, 'analysis-templates'))).filter((n) => /\.ya?ml$/.test(n));
    expect(names.length).toBeGreaterThan(0);
    const files = Object.fromEntries(names.map((n) => [n, readFileSync(join(ROOT, 'analysis-templates', n), 'utf8')]));
    const cm = kind(renderChart({ chartDir: CHART, values: { analysisTemplates: { files } } }).manifests, 'ConfigMap')[0]!;
    expect(Object.keys(cm.data).sort()).toEqual([...names].sort());

    // the kubelet's layout: <mount>/..2024_01_01_00_00_00.000/<key>, ..data -> it, <key> -> ..data/<key>
    const mount = await mkdtemp(join(tmpdir(), 'wavegate-cm-'));
    dirs.push(mount);
    const stamp = '..2024_01_01_00_00_00.000000001';
    await mkdir(join(mount, stamp));
    for (const [key, text] of Object.entries(cm.data as Record<string, string>)) await writeFile(join(mount, stamp, key), text);
    await symlink(stamp, join(mount, '..data'));
    for (const key of Object.keys(cm.data)) await symlink(join('..data', key), join(mount, key));

    const fromConfigMap = await loadTemplates(mount);
    const fromRepo = await loadTemplates(join(ROOT, 'analysis-templates'));
    const loaded = (r: typeof fromRepo) => [...r.templates.keys()].sort();
    expect(fromConfigMap.problems).toEqual([]);
    expect(loaded(fromConfigMap).length).toBeGreaterThan(0);
    // the same templates as from the repository folder (whose tool sub-folders the loader skips)
    expect(loaded(fromConfigMap)).toEqual(loaded(fromRepo));
  });
});

describe('helm-lite itself', () => {
  it('formats float64 values as Go does', () => {
    expect(goFloat(8080)).toBe('8080');
    expect(goFloat(0.01)).toBe('0.01');
    expect(goFloat(65536)).toBe('65536');
    expect(goFloat(1048576)).toBe('1.048576e+06');
    expect(goFloat(1000000)).toBe('1e+06');
    expect(goFloat(0.00001)).toBe('1e-05');
  });
});
