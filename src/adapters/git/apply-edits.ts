import type { FileEdit } from '../../core/rollout/git-change.js';
import { EditProblem } from './edit-problem.js';
import { editKustomizeImage } from './kustomize-image.js';
import { editYamlField, type ScalarEdit } from './yaml-field.js';

export interface EditedFile {
  path: string;
  before: string;
  after: string;
}

/** Reads a file at the tree being edited; null when there is no regular file at the path. */
export type ReadFile = (path: string) => Promise<string | null>;

/**
 * Applies the edits in order to the files `read` returns, in memory. Returns the files whose text
 * changed (none: the tree already holds the change). With `checkExpect`, a current value that is
 * neither the target nor one the edit expects is an EditProblem('unexpectedValue').
 */
export async function applyEdits(edits: FileEdit[], read: ReadFile, options: { checkExpect: boolean }): Promise<EditedFile[]> {
  const files = new Map<string, EditedFile>();
  for (const edit of edits) {
    let file = files.get(edit.path);
    if (!file) {
      const text = await read(edit.path);
      if (text === null) throw new EditProblem('missingFile', `${edit.path} does not exist on the branch`, { path: edit.path });
      file = { path: edit.path, before: text, after: text };
      files.set(edit.path, file);
    }
    const result = applyOne(edit, file.after);
    const target = edit.kind === 'yamlField' ? edit.value : edit.newTag;
    if (options.checkExpect && edit.expect && result.current !== target && !edit.expect.includes(result.current)) {
      const field = edit.kind === 'yamlField' ? edit.field : `images[${edit.image}].newTag`;
      throw new EditProblem(
        'unexpectedValue',
        `${edit.path}: ${field} is "${result.current}", expected ${edit.expect.map((v) => `"${v}"`).join(' or ')}`,
        { path: edit.path, field, expected: edit.expect, actual: result.current },
      );
    }
    file.after = result.text;
  }
  return [...files.values()].filter((file) => file.after !== file.before);
}

function applyOne(edit: FileEdit, text: string): ScalarEdit {
  switch (edit.kind) {
    case 'yamlField':
      return editYamlField(text, edit.path, edit.field, edit.value);
    case 'kustomizeImage':
      return editKustomizeImage(text, edit.path, edit.image, edit.newTag);
  }
}
