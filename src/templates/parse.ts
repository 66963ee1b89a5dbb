import { parseAllDocuments } from 'yaml';
import { InvalidTemplateError, type TemplateProblem } from '../errors/template-errors.js';
import { compileArgoTemplate } from './compile-argo.js';
import { compileWavegateTemplate } from './compile-wavegate.js';
import { ProblemList, problem } from './problems.js';
import { ARGO_API_VERSION, ARGO_KINDS, argoTemplateSchema } from './schema/argo.js';
import { API_VERSION, wavegateTemplateSchema } from './schema/wavegate.js';
import type { LoadedTemplate } from './types.js';

export interface ParsedFile {
  templates: LoadedTemplate[];
  problems: TemplateProblem[];
}

/**
 * Parses every YAML document of one file. Each document is a wavegate AnalysisTemplate or an Argo
 * Rollouts (Cluster)AnalysisTemplate; a document with any problem yields no template, the others
 * still load. In files with several documents, field paths start with `documents[i]` (0-based).
 */
export function parseTemplateFile(text: string, file: string): ParsedFile {
  const docs = parseAllDocuments(text);
  const templates: LoadedTemplate[] = [];
  const problems: TemplateProblem[] = [];
  docs.forEach((doc, i) => {
    const list = new ProblemList(file, docs.length > 1 ? `documents[${i}]` : '');
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const pos = err.linePos?.[0];
        const at = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
        const what = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        problems.push(problem(file, undefined, `${at}invalid YAML: ${what}`));
      }
      return;
    }
    if (doc.contents === null) return; // an empty document, e.g. after a trailing `---`
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      list.add('', `cannot be read: ${(err as Error).message}`);
      problems.push(...list.items);
      return;
    }
    const template = parseDocument(value, file, list);
    if (template) templates.push(template);
    problems.push(...list.items);
  });
  return { templates, problems };
}

function parseDocument(value: unknown, file: string, problems: ProblemList): LoadedTemplate | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add('', 'must be a mapping with apiVersion, kind, metadata and spec');
    return undefined;
  }
  const { apiVersion, kind } = value as Record<string, unknown>;
  if (apiVersion === ARGO_API_VERSION && (ARGO_KINDS as readonly unknown[]).includes(kind)) {
    const parsed = argoTemplateSchema.safeParse(value);
    if (!parsed.success) return void problems.addZodIssues(parsed.error.issues);
    return compileArgoTemplate(parsed.data, file, problems);
  }
  if (typeof apiVersion === 'string' && apiVersion.startsWith('wavegate.dev/')) {
    const parsed = wavegateTemplateSchema.safeParse(value);
    if (!parsed.success) return void problems.addZodIssues(parsed.error.issues);
    return compileWavegateTemplate(parsed.data, file, problems);
  }
  problems.add(
    apiVersion === undefined ? 'apiVersion' : 'kind',
    `expected apiVersion ${API_VERSION} with kind AnalysisTemplate, or an Argo Rollouts ` +
      `${ARGO_KINDS.join('/')} (${ARGO_API_VERSION}); got ${String(apiVersion)} ${String(kind)}`,
  );
  return undefined;
}

/**
 * Parses a file that must hold exactly one valid template; throws `InvalidTemplateError` (naming the
 * file and field of the first problem, with all of them in `details.problems`) otherwise.
 */
export function parseTemplate(text: string, file: string): LoadedTemplate {
  const { templates, problems } = parseTemplateFile(text, file);
  const [first, ...rest] = problems;
  if (first) throw new InvalidTemplateError(first, rest);
  const [template, ...more] = templates;
  if (!template || more.length > 0) {
    throw new InvalidTemplateError(
      problem(file, undefined, `expected exactly one template document, found ${templates.length}`),
    );
  }
  return template;
}
