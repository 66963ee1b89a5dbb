import { isMap, isScalar, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { EditProblem } from './edit-problem.js';
import type { ScalarEdit } from './yaml-field.js';
import { parseYaml, render, scalarCurrent, scalarText, setScalarToken, verified, type YamlSource } from './yaml-source.js';
import { dashColumn, insertAfter, keyColumn, listIndent, pad } from './yaml-splice.js';

/**
 * Sets `newTag` of the `images:` entry named `image` in a kustomization, as `kustomize edit set image`
 * would: the entry (or the `images:` list) is added when absent. An existing entry's other fields
 * (`newName`) are kept; one that pins a `digest` is refused, since kustomize would ignore the tag.
 */
export function editKustomizeImage(text: string, path: string, image: string, newTag: string): ScalarEdit {
  const source = parseYaml(text, path);
  const root = source.doc.contents;
  const invalid = (why: string) => new EditProblem('invalid', `${path}: ${why}`, { path, field: `images[${image}]` });
  if (!isMap(root)) throw invalid('the top level is not a map, so this is not a kustomization');
  const images = root.get('images', true);
  const want = source.doc.clone();
  const newEntry = () => want.createNode({ name: image, newTag });

  if (images === undefined || (isScalar(images) && images.value === null)) {
    want.set('images', want.createNode([{ name: image, newTag }]));
    return { text: addImagesKey(source, root, image, newTag, want), current: '', changed: true };
  }
  if (!isSeq(images)) throw invalid('images is not a list');

  const matches = images.items.flatMap((item, index) => (isMap(item) && item.get('name') === image ? [index] : []));
  if (matches.length > 1) throw invalid(`images lists ${image} ${matches.length} times`);
  const index = matches[0];
  if (index === undefined) {
    (want.get('images', true) as YAMLSeq).add(newEntry());
    return { text: addEntry(source, images, image, newTag, want), current: '', changed: true };
  }

  const entry = images.items[index] as YAMLMap;
  if (entry.has('digest')) throw invalid(`the ${image} entry pins a digest, so a newTag would be ignored`);
  const wantEntry = want.getIn(['images', index], true) as YAMLMap;
  wantEntry.set('newTag', newTag);
  const tag = entry.get('newTag', true);
  if (tag === undefined) {
    const text = entry.flow || images.flow ? want.toString({ lineWidth: 0 }) : addTag(source, entry, newTag, want);
    return { text, current: '', changed: true };
  }
  if (!isScalar(tag)) throw invalid(`the newTag of ${image} is not a value`);
  const current = scalarCurrent(tag);
  if (typeof tag.value === 'string' && tag.value === newTag) return { text, current, changed: false };
  setScalarToken(tag, newTag, Boolean(entry.flow || images.flow));
  return { text: verified(render(source.tokens), want), current, changed: true };
}

function addImagesKey(source: YamlSource, root: YAMLMap, image: string, newTag: string, want: Document): string {
  const col = keyColumn(source.text, root);
  if (root.flow || col === undefined) return want.toString({ lineWidth: 0 });
  const dash = col + listIndent(source.text, source.doc);
  const lines = [`${pad(col)}images:`, ...entryLines(dash, dash + 2, image, newTag)];
  return verified(insertAfter(source.text, root, lines), want);
}

function addEntry(source: YamlSource, images: YAMLSeq, image: string, newTag: string, want: Document): string {
  const dash = dashColumn(source.text, images);
  if (images.flow || dash === undefined) return want.toString({ lineWidth: 0 });
  const first = images.items[0];
  const firstKey = isMap(first) && !first.flow ? keyColumn(source.text, first) : undefined;
  const key = firstKey !== undefined && firstKey > dash + 1 ? firstKey : dash + 2;
  return verified(insertAfter(source.text, images, entryLines(dash, key, image, newTag)), want);
}

function addTag(source: YamlSource, entry: YAMLMap, newTag: string, want: Document): string {
  const col = keyColumn(source.text, entry);
  if (col === undefined) return want.toString({ lineWidth: 0 });
  return verified(insertAfter(source.text, entry, [`${pad(col)}newTag: ${scalarText(newTag)}`]), want);
}

function entryLines(dash: number, key: number, image: string, newTag: string): string[] {
  return [`${pad(dash)}-${pad(key - dash - 1)}name: ${scalarText(image)}`, `${pad(key)}newTag: ${scalarText(newTag)}`];
}
