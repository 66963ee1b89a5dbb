import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import type { GitRepoConfig } from '../adapters/git/options.js';
import type { Cluster } from '../core/rollout/fleet.js';

/**
 * The two files a platform team writes once: the fleet (clusters, labels, kube contexts, Prometheus
 * scope) and the Git repositories wavegate may commit to. Secrets are never inline: a token is named
 * by the environment variable that holds it.
 */
const FleetFile = z
  .object({
    apiVersion: z.literal('wavegate.dev/v1alpha1').optional(),
    kind: z.literal('Fleet').optional(),
    clusters: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a cluster name: lower-case letters, digits, - and .'),
            labels: z.record(z.string()).default({}),
            context: z.string().min(1).optional(),
            scope: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1)).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const ReposFile = z
  .object({
    repos: z.record(
      z.string().regex(/^[A-Za-z0-9._-]+$/),
      z
        .object({
          url: z.string().min(1),
          author: z.object({ name: z.string().min(1), email: z.string().regex(/^[^\s<>@]+@[^\s<>@]+$/, 'an e-mail address') }).default({ name: 'wavegate', email: 'wavegate@localhost' }),
          auth: z.union([z.object({ tokenEnv: z.string().min(1), username: z.string().optional() }).strict(), z.object({ sshKeyPath: z.string().min(1), knownHostsPath: z.string().optional() }).strict()]).optional(),
          signing: z.object({ format: z.enum(['ssh', 'openpgp']), key: z.string().min(1) }).strict().optional(),
        })
        .strict(),
    ),
  })
  .strict();

export class ConfigFileError extends Error {}

function issues(file: string, err: z.ZodError): ConfigFileError {
  return new ConfigFileError(`${file}: ${err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
}

export async function loadFleet(file: string): Promise<Cluster[]> {
  const parsed = FleetFile.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw issues(file, parsed.error);
  const names = parsed.data.clusters.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigFileError(`${file}: clusters: duplicate cluster name "${dup}"`);
  return parsed.data.clusters.map((c) => ({ name: c.name, labels: c.labels, context: c.context ?? c.name, scope: c.scope ?? { cluster: c.name } }));
}

export async function loadRepos(file: string, env: NodeJS.ProcessEnv): Promise<Record<string, GitRepoConfig>> {
  const parsed = ReposFile.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw issues(file, parsed.error);
  const out: Record<string, GitRepoConfig> = {};
  for (const [name, r] of Object.entries(parsed.data.repos)) {
    let auth: GitRepoConfig['auth'];
    if (r.auth && 'tokenEnv' in r.auth) {
      const token = env[r.auth.tokenEnv];
      if (!token) throw new ConfigFileError(`${file}: repos.${name}.auth.tokenEnv: the environment variable ${r.auth.tokenEnv} is not set`);
      auth = { kind: 'token', token, ...(r.auth.username ? { username: r.auth.username } : {}) };
    } else if (r.auth) {
      auth = { kind: 'sshKey', keyPath: r.auth.sshKeyPath, ...(r.auth.knownHostsPath ? { knownHostsPath: r.auth.knownHostsPath } : {}) };
    }
    out[name] = { url: r.url, author: r.author, ...(auth ? { auth } : {}), ...(r.signing ? { signing: r.signing } : {}) };
  }
  return out;
}
