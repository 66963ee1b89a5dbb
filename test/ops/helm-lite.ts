import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import YAML from 'yaml';

/**
 * A small renderer for the Go-template subset the wavegate chart uses, so the chart can be rendered
 * and its manifests checked where `helm` is not installed (Debian does not package it).
 *
 * It follows Go text/template and Helm where the chart depends on them: whitespace trimming with
 * `{{-`/`-}}`, if/else if/else, range (lists, maps in key order, `.Files.Glob`), with, define/include,
 * variables and `$`, pipelines, method calls on `.Files`, Go truthiness, `fmt` number formatting
 * (float64 values print as 1e+06 unless `int`/`int64` is applied, as in Helm), a missing map key as
 * nil, and a field of nil as an error. Unknown functions and syntax are errors, never guesses: a
 * chart change that needs more must extend this file, and the test fails until it does.
 */

export class TemplateError extends Error {}
/** `fail` or `required` in the chart: the message a user of `helm install` would see. */
export class ChartFailure extends Error {}

// ---------------------------------------------------------------------------------------------------
// values

/** A chart file set, as `.Files` (paths relative to the chart root, `/`-separated). */
export class ChartFiles {
  constructor(readonly files: ReadonlyMap<string, string>) {}
  Glob(pattern: unknown): ChartFiles {
    const re = globToRegExp(String(pattern));
    return new ChartFiles(new Map([...this.files].filter(([p]) => re.test(p))));
  }
  Get(path: unknown): string {
    return this.files.get(String(path)) ?? '';
  }
  get size(): number {
    return this.files.size;
  }
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

type Value = unknown;
/** No value piped into a command yet. */
const NONE = Symbol('none');
const isMap = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ChartFiles);

function truthy(v: Value): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof ChartFiles) return v.size > 0;
  if (typeof v === 'function') return true;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/**
 * Go's `%v` of a float64 (strconv 'g', shortest): exponent form when the decimal exponent is below -4
 * or at least 6, so 1048576 prints as 1.048576e+06. Helm keeps every number of values.yaml as a
 * float64, which is why the chart pipes integers through `int64`.
 */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return '0';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** fmt's `%v` / sprig's strval. */
function str(v: Value): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(str).join(' ')}]`;
  if (v instanceof ChartFiles) return `map[${[...v.files.keys()].sort().join(' ')}]`;
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${str(v[k])}`).join(' ')}]`;
  throw new TemplateError(`cannot print ${typeof v}`);
}

const goQuote = (s: string): string => JSON.stringify(s);

function toInt(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return BigInt(Math.trunc(Number(v)));
  return 0n; // cast.ToInt's answer for anything else
}

const num = (v: Value): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN);

function compare(a: Value, b: Value, fn: string): number {
  const na = num(a);
  const nb = num(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError(`${fn}: incompatible types for comparison (${typeof a}, ${typeof b})`);
}

function equal(a: Value, b: Value): boolean {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return num(a) === num(b);
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a !== typeof b && a !== null && b !== null) throw new TemplateError(`eq: incompatible types for comparison (${typeof a}, ${typeof b})`);
  return a === b;
}

function toYaml(v: Value): string {
  const plain = (x: Value): Value => {
    if (typeof x === 'bigint') return Number(x);
    if (Array.isArray(x)) return x.map(plain);
    if (x instanceof ChartFiles) return Object.fromEntries(x.files);
    if (isMap(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, plain(y)]));
    return x ?? null;
  };
  // Helm: sigs.k8s.io/yaml (keys sorted, sequences not indented), trailing newline removed.
  return YAML.stringify(plain(v), { sortMapEntries: true, indentSeq: false, lineWidth: 0 }).replace(/\n$/, '');
}

// ---------------------------------------------------------------------------------------------------
// lexing and parsing

type Expr =
  | { t: 'field'; base: 'dot' | { var: string } | { paren: Pipeline }; path: string[] }
  | { t: 'lit'; v: Value }
  | { t: 'ident'; name: string };
interface Command {
  args: Expr[];
}
interface Pipeline {
  decl?: { vars: string[]; assign: boolean };
  cmds: Command[];
  pos: string;
}
type Node =
  | { k: 'text'; s: string }
  | { k: 'action'; p: Pipeline }
  | { k: 'if'; branches: Array<{ cond: Pipeline; body: Node[] }>; otherwise: Node[] }
  | { k: 'range'; p: Pipeline; body: Node[]; otherwise: Node[] }
  | { k: 'with'; p: Pipeline; body: Node[]; otherwise: Node[] };

interface RawItem {
  kind: 'text' | 'action';
  s: string;
  line: number;
}

function lex(src: string, file: string): RawItem[] {
  const items: RawItem[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      items.push({ kind: 'text', s: text, line });
      break;
    }
    let j = open + 2;
    const trimLeft = src[j] === '-' && /\s/.test(src[j + 1] ?? '');
    if (trimLeft) {
      text = text.replace(/\s+$/, '');
      j += 1;
    }
    line += (src.slice(i, open).match(/\n/g) ?? []).length;
    items.push({ kind: 'text', s: text, line });
    // find the closing }} outside string literals and comments
    let k = j;
    let quote: string | null = null;
    for (;;) {
      if (k >= src.length) throw new TemplateError(`${file}:${line}: unclosed action`);
      const c = src[k]!;
      if (quote) {
        if (c === '\\' && quote !== '`') k++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === '`' || c === "'") quote = c;
      else if (c === '/' && src[k + 1] === '*') {
        const end = src.indexOf('*/', k + 2);
        if (end < 0) throw new TemplateError(`${file}:${line}: unclosed comment`);
        k = end + 1;
      } else if (c === '}' && src[k + 1] === '}') break;
      k++;
    }
    let body = src.slice(j, k);
    const trimRight = /\s-$/.test(body);
    if (trimRight) body = body.slice(0, -1);
    items.push({ kind: 'action', s: body.trim(), line });
    line += (src.slice(open, k + 2).match(/\n/g) ?? []).length;
    i = k + 2;
    trimNext = trimRight;
  }
  return items;
}

type Tok = { t: 'str' | 'num' | 'ident' | 'field' | 'var' | 'op'; v: string; fields?: string[] };

function tokenize(s: string, pos: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const fieldsAt = (): string[] => {
    const fields: string[] = [];
    while (s[i] === '.' && /[A-Za-z_]/.test(s[i + 1] ?? '')) {
      const m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i))!;
      fields.push(m[1]!);
      i += m[0].length;
    }
    return fields;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new TemplateError(`${pos}: unterminated string`);
      toks.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1)) as string });
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`${pos}: unterminated raw string`);
      toks.push({ t: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (s.startsWith(':=', i)) {
      toks.push({ t: 'op', v: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      toks.push({ t: 'op', v: c });
      i++;
      if (c === ')' && s[i] === '.') toks.push({ t: 'field', v: '', fields: fieldsAt() });
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(s.slice(i))!;
      i += m[0].length;
      toks.push({ t: 'var', v: m[0], fields: fieldsAt() });
    } else if (c === '.') {
      if (/[A-Za-z_]/.test(s[i + 1] ?? '')) toks.push({ t: 'field', v: '.', fields: fieldsAt() });
      else {
        toks.push({ t: 'field', v: '.', fields: [] });
        i++;
      }
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(s.slice(i));
      if (!m) throw new TemplateError(`${pos}: bad number near ${s.slice(i)}`);
      toks.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      toks.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else {
      throw new TemplateError(`${pos}: unexpected character ${JSON.stringify(c)} in {{ ${s} }}`);
    }
  }
  return toks;
}

function parsePipeline(toks: Tok[], pos: string, allowDecl = true): Pipeline {
  let k = 0;
  let decl: Pipeline['decl'];
  if (allowDecl) {
    const vars: string[] = [];
    let j = 0;
    while (toks[j]?.t === 'var' && !toks[j]!.fields!.length) {
      vars.push(toks[j]!.v);
      if (toks[j + 1]?.v === ',') j += 2;
      else {
        j += 1;
        break;
      }
    }
    if (vars.length && (toks[j]?.v === ':=' || toks[j]?.v === '=')) {
      decl = { vars, assign: toks[j]!.v === '=' };
      k = j + 1;
    }
  }
  const parseOperand = (): Expr => {
    const tk = toks[k++];
    if (!tk) throw new TemplateError(`${pos}: missing operand`);
    if (tk.t === 'str') return { t: 'lit', v: tk.v };
    if (tk.t === 'num') return { t: 'lit', v: Number(tk.v) };
    if (tk.t === 'field') return { t: 'field', base: 'dot', path: tk.fields! };
    if (tk.t === 'var') return { t: 'field', base: { var: tk.v }, path: tk.fields! };
    if (tk.t === 'ident') {
      if (tk.v === 'true' || tk.v === 'false') return { t: 'lit', v: tk.v === 'true' };
      if (tk.v === 'nil') return { t: 'lit', v: null };
      return { t: 'ident', name: tk.v };
    }
    if (tk.v === '(') {
      const start = k;
      let depth = 1;
      while (k < toks.length && depth > 0) {
        if (toks[k]!.v === '(' && toks[k]!.t === 'op') depth++;
        if (toks[k]!.v === ')' && toks[k]!.t === 'op') depth--;
        k++;
      }
      if (depth !== 0) throw new TemplateError(`${pos}: unbalanced parentheses`);
      const inner = parsePipeline(toks.slice(start, k - 1), pos, false);
      let path: string[] = [];
      if (toks[k]?.t === 'field' && toks[k]!.v === '') path = toks[k++]!.fields!;
      return { t: 'field', base: { paren: inner }, path };
    }
    throw new TemplateError(`${pos}: unexpected ${tk.v}`);
  };
  const cmds: Command[] = [];
  let args: Expr[] = [];
  while (k < toks.length) {
    if (toks[k]!.t === 'op' && toks[k]!.v === '|') {
      if (!args.length) throw new TemplateError(`${pos}: empty command in pipeline`);
      cmds.push({ args });
      args = [];
      k++;
      continue;
    }
    args.push(parseOperand());
  }
  if (!args.length) throw new TemplateError(`${pos}: empty pipeline`);
  cmds.push({ args });
  return { ...(decl ? { decl } : {}), cmds, pos };
}

interface Parsed {
  nodes: Node[];
  defines: Map<string, Node[]>;
}

function parse(src: string, file: string): Parsed {
  const items = lex(src, file);
  const defines = new Map<string, Node[]>();
  let i = 0;
  // returns the nodes and the keyword that ended them (end / else ...)
  const block = (): { nodes: Node[]; stop: string | null; stopArgs: Tok[]; pos: string } => {
    const nodes: Node[] = [];
    while (i < items.length) {
      const it = items[i++]!;
      if (it.kind === 'text') {
        if (it.s) nodes.push({ k: 'text', s: it.s });
        continue;
      }
      const pos = `${file}:${it.line}`;
      if (it.s.startsWith('/*')) {
        if (!it.s.endsWith('*/')) throw new TemplateError(`${pos}: a comment must be a whole action`);
        continue;
      }
      const toks = tokenize(it.s, pos);
      const head = toks[0]?.t === 'ident' ? toks[0].v : '';
      const rest = toks.slice(1);
      if (head === 'end' || head === 'else') return { nodes, stop: head, stopArgs: rest, pos };
      if (head === 'if') {
        const branches = [{ cond: parsePipeline(rest, pos), body: [] as Node[] }];
        let otherwise: Node[] = [];
        for (;;) {
          const b = block();
          const current = branches[branches.length - 1]!;
          current.body = b.nodes;
          if (b.stop === 'end') break;
          if (b.stop === 'else' && b.stopArgs[0]?.v === 'if') {
            branches.push({ cond: parsePipeline(b.stopArgs.slice(1), b.pos), body: [] });
            continue;
          }
          if (b.stop === 'else' && !b.stopArgs.length) {
            const e = block();
            if (e.stop !== 'end') throw new TemplateError(`${pos}: if without end`);
            otherwise = e.nodes;
            break;
          }
          throw new TemplateError(`${pos}: if without end`);
        }
        nodes.push({ k: 'if', branches, otherwise });
      } else if (head === 'range' || head === 'with') {
        const p = parsePipeline(rest, pos);
        const b = block();
        let otherwise: Node[] = [];
        if (b.stop === 'else' && !b.stopArgs.length) {
          const e = block();
          if (e.stop !== 'end') throw new TemplateError(`${pos}: ${head} without end`);
          otherwise = e.nodes;
        } else if (b.stop !== 'end') throw new TemplateError(`${pos}: ${head} without end`);
        nodes.push({ k: head, p, body: b.nodes, otherwise });
      } else if (head === 'define') {
        if (rest.length !== 1 || rest[0]!.t !== 'str') throw new TemplateError(`${pos}: define needs one string`);
        const b = block();
        if (b.stop !== 'end') throw new TemplateError(`${pos}: define without end`);
        defines.set(rest[0]!.v, b.nodes);
      } else if (['template', 'block', 'break', 'continue'].includes(head)) {
        throw new TemplateError(`${pos}: "${head}" is not supported by helm-lite (use include)`);
      } else {
        nodes.push({ k: 'action', p: parsePipeline(toks, pos) });
      }
    }
    return { nodes, stop: null, stopArgs: [], pos: file };
  };
  const top = block();
  if (top.stop) throw new TemplateError(`${top.pos}: unexpected {{ ${top.stop} }}`);
  return { nodes: top.nodes, defines };
}

// ---------------------------------------------------------------------------------------------------
// evaluation

class Scope {
  private vars = new Map<string, Value>();
  constructor(private readonly parent: Scope | null) {}
  get(name: string, pos: string): Value {
    if (this.vars.has(name)) return this.vars.get(name);
    if (this.parent) return this.parent.get(name, pos);
    throw new TemplateError(`${pos}: undefined variable ${name}`);
  }
  declare(name: string, v: Value): void {
    this.vars.set(name, v);
  }
  /** `$` is the data a template (file or define) was called with. */
  withRoot(root: Value): Scope {
    this.vars.set('$', root);
    return this;
  }
  assign(name: string, v: Value, pos: string): void {
    if (this.vars.has(name)) this.vars.set(name, v);
    else if (this.parent) this.parent.assign(name, v, pos);
    else throw new TemplateError(`${pos}: undefined variable ${name}`);
  }
}

export interface RenderInput {
  /** The chart folder. */
  chartDir: string;
  /** Values merged over values.yaml (deep merge for maps, replace for everything else). */
  values?: Record<string, unknown>;
  release?: { name?: string; namespace?: string };
}

export interface Rendered {
  /** Output per template file (e.g. `templates/deployment.yaml`), NOTES.txt included. */
  files: Map<string, string>;
  /** Every non-empty YAML document of the manifests (not NOTES.txt). */
  manifests: Array<Record<string, any>>;
  values: Record<string, unknown>;
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export function renderChart(input: RenderInput): Rendered {
  const chartDir = input.chartDir;
  const chart = YAML.parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const defaults = (YAML.parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
  const values = deepMerge(defaults, input.values ?? {});
  const chartName = String(chart['name']);
  const all = listFiles(chartDir).map((p) => relative(chartDir, p).split(sep).join('/'));
  const files = new ChartFiles(new Map(all.filter((p) => !p.startsWith('templates/') && p !== 'Chart.yaml' && p !== 'values.yaml').map((p) => [p, readFileSync(join(chartDir, p), 'utf8')])));
  const templateFiles = all.filter((p) => p.startsWith('templates/')).sort();

  const defines = new Map<string, Node[]>();
  const parsed = new Map<string, Parsed>();
  for (const t of templateFiles) {
    const p = parse(readFileSync(join(chartDir, t), 'utf8'), t);
    parsed.set(t, p);
    for (const [name, body] of p.defines) {
      if (defines.has(name)) throw new TemplateError(`template ${name} defined twice`);
      defines.set(name, body);
    }
    defines.set(`${chartName}/${t}`, p.nodes);
  }

  const capitalize = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v]));
  const rootFor = (name: string): Record<string, unknown> => ({
    Values: values,
    Chart: capitalize(chart),
    Release: { Name: input.release?.name ?? 'wavegate', Namespace: input.release?.namespace ?? 'wavegate', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Files: files,
    Capabilities: { KubeVersion: { Version: 'v1.29.0', Major: '1', Minor: '29' }, APIVersions: { Has: () => false } },
    Template: { Name: `${chartName}/${name}`, BasePath: `${chartName}/templates` },
  });

  const renderNodes = (nodes: Node[], dot: Value, scope: Scope, root: Value): string => {
    let out = '';
    for (const n of nodes) {
      switch (n.k) {
        case 'text':
          out += n.s;
          break;
        case 'action': {
          const v = evalPipeline(n.p, dot, scope, root);
          if (!n.p.decl) out += str(v);
          break;
        }
        case 'if': {
          const inner = new Scope(scope);
          const hit = n.branches.find((b) => truthy(evalPipeline(b.cond, dot, inner, root)));
          out += renderNodes(hit ? hit.body : n.otherwise, dot, inner, root);
          break;
        }
        case 'with': {
          const inner = new Scope(scope);
          const v = evalPipeline(n.p, dot, inner, root);
          out += truthy(v) ? renderNodes(n.body, v, inner, root) : renderNodes(n.otherwise, dot, inner, root);
          break;
        }
        case 'range': {
          const inner = new Scope(scope);
          const v = evalPipeline({ ...n.p, decl: undefined } as Pipeline, dot, inner, root);
          let entries: Array<[Value, Value]>;
          if (Array.isArray(v)) entries = v.map((x, i) => [BigInt(i), x]);
          else if (v instanceof ChartFiles) entries = [...v.files.keys()].sort().map((k) => [k, v.files.get(k)]);
          else if (isMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]);
          else if (v === null || v === undefined) entries = [];
          else if (typeof v === 'number' || typeof v === 'bigint') entries = Array.from({ length: Number(v) }, (_, i) => [BigInt(i), BigInt(i)]);
          else throw new TemplateError(`${n.p.pos}: range can't iterate over ${str(v)}`);
          if (!entries.length) {
            out += renderNodes(n.otherwise, dot, inner, root);
            break;
          }
          for (const [key, item] of entries) {
            const iter = new Scope(inner);
            const vars = n.p.decl?.vars ?? [];
            if (vars.length === 1) iter.declare(vars[0]!, item);
            if (vars.length === 2) {
              iter.declare(vars[0]!, key);
              iter.declare(vars[1]!, item);
            }
            out += renderNodes(n.body, item, iter, root);
          }
          break;
        }
      }
    }
    return out;
  };

  const include = (name: unknown, data: Value): string => {
    const body = defines.get(String(name));
    if (!body) throw new TemplateError(`include: no template "${String(name)}"`);
    return renderNodes(body, data, new Scope(null).withRoot(data), data);
  };

  const funcs: Record<string, (...a: Value[]) => Value> = {
    include: (name, data) => include(name, data),
    toYaml: (v) => toYaml(v),
    nindent: (n, s) => `\n${funcs['indent']!(n, s)}`,
    indent: (n, s) => {
      const pad = ' '.repeat(Number(num(n)));
      return pad + str(s).split('\n').join(`\n${pad}`);
    },
    quote: (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => goQuote(str(x))).join(' '),
    squote: (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => `'${str(x)}'`).join(' '),
    default: (d, v) => (truthy(v) ? v : d),
    empty: (v) => !truthy(v),
    required: (msg, v) => {
      if (!truthy(v)) throw new ChartFailure(str(msg));
      return v;
    },
    fail: (msg) => {
      throw new ChartFailure(str(msg));
    },
    printf: (fmt, ...a) => {
      let i = 0;
      return str(fmt).replace(/%([-+# 0]*\d*(?:\.\d+)?)?([svdqtf%])/g, (_m, _flags, verb: string) => {
        if (verb === '%') return '%';
        const v = a[i++];
        if (verb === 'q') return goQuote(str(v));
        if (verb === 'd') return String(toInt(v));
        return str(v);
      });
    },
    print: (...a) => a.map(str).join(''),
    toString: (v: Value) => str(v),
    trunc: (n, s) => str(s).slice(0, Number(num(n))),
    trimSuffix: (suf, s) => (str(s).endsWith(str(suf)) ? str(s).slice(0, -str(suf).length || undefined) : str(s)),
    trimPrefix: (pre, s) => (str(s).startsWith(str(pre)) ? str(s).slice(str(pre).length) : str(s)),
    replace: (old, neu, s) => str(s).split(str(old)).join(str(neu)),
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (pre, s) => str(s).startsWith(str(pre)),
    hasSuffix: (suf, s) => str(s).endsWith(str(suf)),
    lower: (s) => str(s).toLowerCase(),
    upper: (s) => str(s).toUpperCase(),
    base: (p) => posix.basename(str(p)),
    sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
    regexMatch: (re, s) => new RegExp(str(re)).test(str(s)),
    hasKey: (m, k) => isMap(m) && Object.prototype.hasOwnProperty.call(m, str(k)),
    int: (v) => toInt(v),
    int64: (v) => toInt(v),
    len: (v) => {
      if (typeof v === 'string' || Array.isArray(v)) return BigInt(v.length);
      if (v instanceof ChartFiles) return BigInt(v.size);
      if (isMap(v)) return BigInt(Object.keys(v).length);
      throw new TemplateError(`len of ${typeof v}`);
    },
    eq: (a, ...bs) => bs.some((b) => equal(a, b)),
    ne: (a, b) => !equal(a, b),
    lt: (a, b) => compare(a, b, 'lt') < 0,
    le: (a, b) => compare(a, b, 'le') <= 0,
    gt: (a, b) => compare(a, b, 'gt') > 0,
    ge: (a, b) => compare(a, b, 'ge') >= 0,
    not: (v) => !truthy(v),
    list: (...a) => a,
    dict: (...a) => {
      const o: Record<string, Value> = {};
      for (let i = 0; i < a.length; i += 2) o[str(a[i])] = a[i + 1];
      return o;
    },
    ternary: (t, f, c) => (truthy(c) ? t : f),
  };

  const field = (v: Value, name: string, pos: string): Value => {
    if (v === null || v === undefined) throw new TemplateError(`${pos}: nil pointer evaluating .${name}`);
    if (v instanceof ChartFiles) {
      const m = (v as unknown as Record<string, unknown>)[name];
      if (typeof m !== 'function') throw new TemplateError(`${pos}: Files has no method ${name}`);
      return (m as (...a: Value[]) => Value).bind(v);
    }
    if (isMap(v)) return v[name] ?? null;
    throw new TemplateError(`${pos}: can't evaluate field ${name} in ${typeof v}`);
  };

  const evalPipeline = (p: Pipeline, dot: Value, scope: Scope, root: Value): Value => {
    let piped: Value | typeof NONE = NONE;
    for (const cmd of p.cmds) {
      const extra = piped === NONE ? [] : [piped];
      piped = evalCommand(cmd, extra, dot, scope, root, p.pos);
    }
    const result = piped as Value;
    if (p.decl) {
      if (p.decl.vars.length !== 1) throw new TemplateError(`${p.pos}: too many declarations`);
      if (p.decl.assign) scope.assign(p.decl.vars[0]!, result, p.pos);
      else scope.declare(p.decl.vars[0]!, result);
    }
    return result;
  };

  const evalOperand = (e: Expr, dot: Value, scope: Scope, root: Value, pos: string, callArgs: Value[] | null): Value => {
    if (e.t === 'lit') return e.v;
    if (e.t === 'ident') {
      const f = funcs[e.name];
      if (!f) throw new TemplateError(`${pos}: function "${e.name}" not defined in helm-lite`);
      if (e.name === 'and' || e.name === 'or') throw new TemplateError(`${pos}: and/or are evaluated lazily by the caller`);
      return f(...(callArgs ?? []));
    }
    let v: Value;
    if (e.base === 'dot') v = dot;
    else if ('var' in e.base) v = scope.get(e.base.var, pos);
    else v = evalPipeline(e.base.paren, dot, scope, root);
    e.path.forEach((name, i) => {
      v = field(v, name, pos);
      if (typeof v === 'function') {
        const last = i === e.path.length - 1;
        v = (v as (...a: Value[]) => Value)(...(last && callArgs ? callArgs : []));
      }
    });
    return v;
  };

  const evalCommand = (cmd: Command, extra: Value[], dot: Value, scope: Scope, root: Value, pos: string): Value => {
    const [head, ...rest] = cmd.args;
    if (head!.t === 'ident' && (head!.name === 'and' || head!.name === 'or')) {
      const operands = [...rest.map((a) => () => evalOperand(a, dot, scope, root, pos, null)), ...extra.map((x) => () => x)];
      let last: Value = null;
      for (const get of operands) {
        last = get();
        if (head!.name === 'and' ? !truthy(last) : truthy(last)) return last;
      }
      return last;
    }
    const args = [...rest.map((a) => evalOperand(a, dot, scope, root, pos, null)), ...extra];
    if (head!.t === 'ident') return evalOperand(head!, dot, scope, root, pos, args);
    if (head!.t === 'field' && head!.path.length) return evalOperand(head!, dot, scope, root, pos, args);
    if (args.length) throw new TemplateError(`${pos}: can't give arguments to a non-function`);
    return evalOperand(head!, dot, scope, root, pos, null);
  };

  const out = new Map<string, string>();
  for (const t of templateFiles) {
    const base = posix.basename(t);
    if (base.startsWith('_')) continue;
    const root = rootFor(t);
    out.set(t, renderNodes(parsed.get(t)!.nodes, root, new Scope(null).withRoot(root), root));
  }
  const manifests: Array<Record<string, any>> = [];
  for (const [t, text] of out) {
    if (!t.endsWith('.yaml') && !t.endsWith('.yml')) continue;
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length) throw new TemplateError(`${t}: rendered YAML is invalid: ${doc.errors[0]!.message}\n${text}`);
      const js = doc.toJS() as Record<string, any> | null;
      if (js) manifests.push(js);
    }
  }
  return { files: out, manifests, values };
}

