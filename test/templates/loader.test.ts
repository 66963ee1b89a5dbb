import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/templates/load.js';

const template = (name: string, extra = '') => `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: ${name} }
spec:
  metrics:
    - name: up
      kind: threshold
${extra}      threshold: { query: up, successCondition: "result[0] == 1" }
`;

describe('loading a templates directory', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wavegate-templates-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };

  it('loads .yaml and .yml files recursively, in path order, and ignores other files', async () => {
    await write('b.yaml', template('b'));
    await write('nested/a.yml', template('a'));
    await write('README.md', '# not a template');
    await write('.hidden.yaml', 'not: [valid');
    const { templates, problems } = await loadTemplates(dir);
    expect(problems).toEqual([]);
    expect([...templates.keys()]).toEqual(['b', 'a']);
    expect(templates.get('a')?.file).toBe(path.join(dir, 'nested/a.yml'));
  });

  it('skips the argo-rollouts/ and flagger/ folders, which hold manifests for those tools', async () => {
    await write('ok.yaml', template('ok'));
    await write('argo-rollouts/web.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n');
    await write('flagger/canary.yaml', 'apiVersion: flagger.app/v1beta1\nkind: Canary\n');
    const { templates, problems } = await loadTemplates(dir);
    expect(problems).toEqual([]);
    expect([...templates.keys()]).toEqual(['ok']);
  });

  it('keeps loading the other files when one is broken, and returns its problems', async () => {
    await write('a-good.yaml', template('good'));
    await write('b-broken.yaml', template('broken', '      weight: heavy\n'));
    await write('c-not-yaml.yaml', 'apiVersion: [');
    await write('d-good.yaml', template('also-good'));
    const { templates, problems } = await loadTemplates(dir);
    expect([...templates.keys()]).toEqual(['good', 'also-good']);
    expect(problems).toEqual([
      {
        file: path.join(dir, 'b-broken.yaml'),
        field: 'spec.metrics[0].weight',
        message: `${path.join(dir, 'b-broken.yaml')}: spec.metrics[0].weight: must be a number (got string)`,
      },
      expect.objectContaining({
        file: path.join(dir, 'c-not-yaml.yaml'),
        message: expect.stringMatching(/c-not-yaml\.yaml: line \d+, column \d+: invalid YAML: /),
      }),
    ]);
  });

  it('follows symbolic links as a Kubernetes ConfigMap volume lays them out, without looping', async () => {
    await write('..2026_11_23/http.yaml', template('http'));
    await symlink('..2026_11_23', path.join(dir, '..data'));
    await symlink('..data/http.yaml', path.join(dir, 'http.yaml'));
    await symlink('.', path.join(dir, 'loop'));
    await symlink('missing.yaml', path.join(dir, 'dangling.yaml'));
    const { templates, problems } = await loadTemplates(dir);
    expect([...templates.keys()]).toEqual(['http']);
    expect(problems).toEqual([
      expect.objectContaining({ file: path.join(dir, 'dangling.yaml'), message: expect.stringContaining('cannot be read') }),
    ]);
  });

  it('reports a duplicate template name and keeps the first', async () => {
    await write('a.yaml', template('same'));
    await write('b.yaml', template('same'));
    const { templates, problems } = await loadTemplates(dir);
    expect(templates.get('same')?.file).toBe(path.join(dir, 'a.yaml'));
    expect(problems).toEqual([
      {
        file: path.join(dir, 'b.yaml'),
        field: 'metadata.name',
        message: `${path.join(dir, 'b.yaml')}: metadata.name: duplicate template name "same" (already loaded from ${path.join(dir, 'a.yaml')})`,
      },
    ]);
  });

  it('names files by the directory as the caller gave it', async () => {
    await write('x.yaml', template('x', '      weight: -2\n'));
    const relative = path.relative(process.cwd(), dir);
    const { problems } = await loadTemplates(relative);
    expect(problems[0]?.message).toBe(`${path.join(relative, 'x.yaml')}: spec.metrics[0].weight: must be ≥ 0`);
  });

  it('reports a missing directory as a problem instead of throwing', async () => {
    const missing = path.join(dir, 'nope');
    const { templates, problems } = await loadTemplates(missing);
    expect(templates.size).toBe(0);
    expect(problems).toEqual([
      expect.objectContaining({ file: missing, message: expect.stringContaining('cannot read the templates directory') }),
    ]);
  });
});
