import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EditProblem } from '../../../src/adapters/git/edit-problem.js';
import { parseFieldPath } from '../../../src/adapters/git/field-path.js';
import { editKustomizeImage } from '../../../src/adapters/git/kustomize-image.js';
import { editYamlField } from '../../../src/adapters/git/yaml-field.js';
import { plainSafe } from '../../../src/adapters/git/yaml-source.js';
import { kustomizationFile, valuesFile } from '../../harness/git.js';

/** Lines that differ between two texts of the same line count, as [before, after] pairs. */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i] as string] as [string, string]]));
}

const problem = (fn: () => unknown): EditProblem => {
  try {
    fn();
  } catch (err) {
    if (err instanceof EditProblem) return err;
    throw err;
  }
  throw new Error('expected an EditProblem');
};

describe('yaml field edits', () => {
  const values = valuesFile('eu-1');

  it('changes only the scalar: every other byte of a commented file stays', () => {
    const result = editYamlField(values, 'v.yaml', 'image.tag', '1.4.2');
    expect(result).toMatchObject({ current: '1.4.1', changed: true });
    expect(changedLines(values, result.text)).toEqual([['  tag: "1.4.1"', '  tag: "1.4.2"']]);
  });

  it('keeps a trailing comment and the author\'s quoting style on the edited line', () => {
    const text = "a:\n  b: 'x'   # keep me\n  c: plain # and me\n";
    expect(editYamlField(text, 'f', 'a.b', 'y').text).toBe("a:\n  b: 'y'   # keep me\n  c: plain # and me\n");
    expect(editYamlField(text, 'f', 'a.c', 'v2').text).toBe("a:\n  b: 'x'   # keep me\n  c: v2 # and me\n");
  });

  it('quotes a plain value that would otherwise read back as a number, a boolean or null', () => {
    const text = 'tag: v1\n';
    expect(editYamlField(text, 'f', 'tag', '1.10').text).toBe('tag: "1.10"\n');
    expect(editYamlField(text, 'f', 'tag', 'yes').text).toBe('tag: "yes"\n'); // a bool to YAML 1.1 readers (Helm)
    expect(editYamlField(text, 'f', 'tag', 'null').text).toBe('tag: "null"\n');
    expect(editYamlField(text, 'f', 'tag', 'a: b').text).toBe('tag: "a: b"\n');
    expect(editYamlField(text, 'f', 'tag', '1.4.2-rc.1').text).toBe('tag: 1.4.2-rc.1\n');
  });

  it('writes a string where the file had a number, so 1.10 is not read as 1.1', () => {
    const result = editYamlField('tag: 1.5\n', 'f', 'tag', '1.10');
    expect(result).toMatchObject({ current: '1.5', text: 'tag: "1.10"\n' });
    expect(parse(result.text)).toEqual({ tag: '1.10' });
  });

  it('follows [n] indexes, quoted keys with dots, and flow collections', () => {
    expect(editYamlField(values, 'f', 'sidecars[0].image', 'envoyproxy/envoy:v1.30.0').text).toContain(
      "    image: 'envoyproxy/envoy:v1.30.0'\n",
    );
    expect(editYamlField(values, 'f', 'resources.limits.cpu', '1').text).toContain('  limits: { cpu: "1", memory: 256Mi }\n');
    const annotated = 'metadata:\n  annotations:\n    example.com/version: "1"\n';
    expect(editYamlField(annotated, 'f', 'metadata.annotations["example.com/version"]', '2').text).toBe(
      'metadata:\n  annotations:\n    example.com/version: "2"\n',
    );
  });

  it('leaves the file untouched when the value is already there', () => {
    expect(editYamlField(values, 'f', 'image.tag', '1.4.1')).toEqual({ text: values, current: '1.4.1', changed: false });
  });

  it('says which step of a field path is missing, and never creates it', () => {
    expect(problem(() => editYamlField(values, 'v.yaml', 'image.tga', 'x'))).toMatchObject({
      kind: 'missingField',
      message: 'v.yaml: no field image.tga (image has no key "tga")',
    });
    expect(problem(() => editYamlField(values, 'v.yaml', 'sidecars[3].image', 'x')).message).toContain('sidecars has no item [3]');
    expect(problem(() => editYamlField(values, 'v.yaml', 'image.tag.major', 'x')).kind).toBe('missingField');
  });

  it('refuses a path to a map, a malformed path, a file that is not YAML and a multi-document file', () => {
    expect(problem(() => editYamlField(values, 'v.yaml', 'image', 'x'))).toMatchObject({ kind: 'invalid', message: 'v.yaml: image is a map, not a value' });
    expect(problem(() => editYamlField(values, 'v.yaml', 'image..tag', 'x')).kind).toBe('invalid');
    expect(problem(() => editYamlField('image: [unclosed\n', 'v.yaml', 'image', 'x')).message).toMatch(/^v.yaml is not a YAML file/);
    expect(problem(() => editYamlField('a: 1\n---\na: 2\n', 'v.yaml', 'a', 'x')).message).toContain('holds 2 documents');
  });

  it('refuses to edit through an alias', () => {
    const text = 'base: &b\n  tag: "1"\nprod: *b\n';
    expect(problem(() => editYamlField(text, 'v.yaml', 'prod.tag', '2')).kind).toBe('invalid');
  });
});

describe('kustomize image edits', () => {
  const kustomization = kustomizationFile('eu-1');
  const image = 'ghcr.io/acme/payments';

  it('sets newTag of an existing entry, touching nothing else', () => {
    const result = editKustomizeImage(kustomization, 'k.yaml', image, '1.4.2');
    expect(result.current).toBe('1.4.1');
    expect(changedLines(kustomization, result.text)).toEqual([['    newTag: 1.4.1', '    newTag: 1.4.2']]);
  });

  it('adds newTag to an entry that has none, indented like its keys', () => {
    const text = 'images:\n- name: app  # main\n  newName: mirror/app\n# end\n';
    const result = editKustomizeImage(text, 'k.yaml', 'app', 'v2');
    expect(result).toMatchObject({ current: '', changed: true });
    expect(result.text).toBe('images:\n- name: app  # main\n  newName: mirror/app\n  newTag: v2\n# end\n');
  });

  it('appends a missing entry in the list\'s own style', () => {
    const result = editKustomizeImage(kustomization, 'k.yaml', 'ghcr.io/acme/new', '3.0');
    expect(result.text).toBe(`${kustomization}  - name: ghcr.io/acme/new\n    newTag: "3.0"\n`);
  });

  it('adds the images list when there is none, after the last key, keeping a file without a final newline so', () => {
    const text = 'resources:\n- ../base\nnamespace: payments';
    expect(editKustomizeImage(text, 'k.yaml', 'app', '1.0.0').text).toBe(
      'resources:\n- ../base\nnamespace: payments\nimages:\n- name: app\n  newTag: 1.0.0',
    );
    const indented = 'resources:\n  - ../base\n';
    expect(editKustomizeImage(indented, 'k.yaml', 'app', '1.0.0').text).toBe(
      'resources:\n  - ../base\nimages:\n  - name: app\n    newTag: 1.0.0\n',
    );
  });

  it('edits flow-style lists correctly, formatting them the yaml package\'s way', () => {
    const text = "images: [{name: app, newTag: '1'}]\n";
    expect(parse(editKustomizeImage(text, 'k', 'app', '2').text)).toEqual({ images: [{ name: 'app', newTag: '2' }] });
    expect(parse(editKustomizeImage(text, 'k', 'other', '2').text)).toEqual({
      images: [
        { name: 'app', newTag: '1' },
        { name: 'other', newTag: '2' },
      ],
    });
  });

  it('refuses an entry pinned by digest, a duplicated entry and a non-map document', () => {
    const pinned = 'images:\n- name: app\n  digest: sha256:abc\n';
    expect(problem(() => editKustomizeImage(pinned, 'k', 'app', '2')).message).toContain('pins a digest');
    const twice = 'images:\n- name: app\n- name: app\n';
    expect(problem(() => editKustomizeImage(twice, 'k', 'app', '2')).message).toContain('lists app 2 times');
    expect(problem(() => editKustomizeImage('- a\n', 'k', 'app', '2')).kind).toBe('invalid');
  });

  it('is a no-op when the tag is already set', () => {
    expect(editKustomizeImage(kustomization, 'k', image, '1.4.1')).toEqual({ text: kustomization, current: '1.4.1', changed: false });
  });
});

describe('field paths and plain scalars', () => {
  it('parses dots, indexes and quoted keys, and rejects malformed paths', () => {
    expect(parseFieldPath('image.tag')).toEqual(['image', 'tag']);
    expect(parseFieldPath('spec.containers[1].image')).toEqual(['spec', 'containers', 1, 'image']);
    expect(parseFieldPath('a["b.c"].d')).toEqual(['a', 'b.c', 'd']);
    expect(parseFieldPath("[0]['x']")).toEqual([0, 'x']);
    for (const bad of ['', '.a', 'a.', 'a..b', 'a[x]', 'a[0', 'a.[0]', 'a[0]b']) expect(parseFieldPath(bad)).toBeNull();
  });

  it('keeps a value plain only when YAML 1.1 and 1.2 readers both read it back as that string', () => {
    for (const ok of ['v1.4.2', '1.4.2', 'latest', 'sha-3f2a9c1', 'main_2024']) expect(plainSafe(ok)).toBe(true);
    for (const quoted of ['1.10', '10', 'true', 'on', 'y', 'null', '~', '1e3', '0x1F', '1_000', '-1', ' a', 'a #b', '']) {
      expect(plainSafe(quoted)).toBe(false);
    }
  });
});
