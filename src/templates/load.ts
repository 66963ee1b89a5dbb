import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateProblem } from '../errors/template-errors.js';
import { parseTemplateFile } from './parse.js';
import { problem } from './problems.js';
import type { LoadedTemplate } from './types.js';

/** Sub-folders holding manifests for other tools (a web-provider AnalysisTemplate, a Flagger Canary). */
const SKIPPED_DIRS = new Set(['argo-rollouts', 'flagger']);
/** Templates are small; anything bigger is a mistake, not a template. */
const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadResult {
  templates: Map<string, LoadedTemplate>;
  /** Everything that did not load, for readiness to report; the templates that did load are usable. */
  problems: TemplateProblem[];
}

/**
 * Every `*.yaml` / `*.yml` under `dir`, sorted, skipping hidden entries and the tool sub-folders.
 * Symbolic links are followed — a Kubernetes ConfigMap volume is a folder of links into a hidden
 * `..data/` — with each real directory visited once, so a link loop cannot recurse forever.
 */
async function listFiles(dir: string, visited = new Set<string>()): Promise<string[]> {
  const real = await realpath(dir);
  if (visited.has(real)) return [];
  visited.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const target = entry.isSymbolicLink() ? await stat(full).catch(() => null) : entry;
    if (target?.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await listFiles(full, visited)));
    } else if ((target === null || target.isFile()) && /\.ya?ml$/i.test(entry.name)) {
      // A dangling link is listed too, so reading it reports the problem instead of hiding it.
      files.push(full);
    }
  }
  return files;
}

/**
 * Loads the templates under `dir`. A broken file never stops the others: its problems are returned
 * with the file and field named. Of two templates with the same name, the first (in path order)
 * is kept and the second reported.
 */
export async function loadTemplates(dir: string): Promise<LoadResult> {
  const templates = new Map<string, LoadedTemplate>();
  const problems: TemplateProblem[] = [];
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (err) {
    problems.push(problem(dir, undefined, `cannot read the templates directory: ${(err as Error).message}`));
    return { templates, problems };
  }
  for (const file of files) {
    let text: string;
    try {
      const { size } = await stat(file);
      if (size > MAX_FILE_BYTES) {
        problems.push(problem(file, undefined, `is ${size} bytes; templates may be at most ${MAX_FILE_BYTES}`));
        continue;
      }
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push(problem(file, undefined, `cannot be read: ${(err as Error).message}`));
      continue;
    }
    const parsed = parseTemplateFile(text, file);
    problems.push(...parsed.problems);
    for (const template of parsed.templates) {
      const existing = templates.get(template.name);
      if (existing) {
        problems.push(
          problem(file, 'metadata.name', `duplicate template name "${template.name}" (already loaded from ${existing.file})`),
        );
        continue;
      }
      templates.set(template.name, template);
    }
  }
  return { templates, problems };
}
