import { parseDocument } from 'yaml';
import { valuesPath } from './fleet.js';
import { git } from './git.js';

export interface FleetCommit {
  sha: string;
  subject: string;
  /** Trailers in order, values unfolded. */
  trailers: Array<[string, string]>;
  /** Paths the commit changed. */
  files: string[];
}

/** The branch's history, newest first, with each commit's trailers and files (what `git log` shows, parsed). */
export async function fleetLog(bareDir: string, branch: string): Promise<FleetCommit[]> {
  const out = await git(['log', '--name-only', '--format=%x1e%H%x1f%s%x1f%(trailers:only,unfold)%x1f', branch], { cwd: bareDir });
  return out
    .split('\x1e')
    .filter((record) => record.length > 0)
    .map((record) => {
      const [sha = '', subject = '', block = '', names = ''] = record.split('\x1f');
      const trailers = block
        .split('\n')
        .map((line) => /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m): [string, string] => [m[1]!, m[2]!.trim()]);
      return { sha, subject, trailers, files: names.split('\n').filter((n) => n.length > 0) };
    });
}

/** Each cluster's `image.tag` at the branch head. */
export async function fleetVersions(bareDir: string, branch: string, clusters: readonly string[]): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const cluster of clusters) {
    const text = await git(['show', `${branch}:${valuesPath(cluster)}`], { cwd: bareDir });
    versions[cluster] = String(parseDocument(text).getIn(['image', 'tag']));
  }
  return versions;
}
