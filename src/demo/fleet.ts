import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { git } from './git.js';

/** The demo's fleet: two clusters in each of three regions, over two clouds, all production. */
export const DEMO_CLUSTERS = [
  { name: 'eu-west-1a', labels: { region: 'eu-west', cloud: 'gcp', env: 'prod' } },
  { name: 'eu-west-1b', labels: { region: 'eu-west', cloud: 'gcp', env: 'prod' } },
  { name: 'us-east-1a', labels: { region: 'us-east', cloud: 'aws', env: 'prod' } },
  { name: 'us-east-1b', labels: { region: 'us-east', cloud: 'aws', env: 'prod' } },
  { name: 'ap-south-1a', labels: { region: 'ap-south', cloud: 'azure', env: 'prod' } },
  { name: 'ap-south-1b', labels: { region: 'ap-south', cloud: 'azure', env: 'prod' } },
] as const;

export const APP = 'payments';
export const IMAGE_REPOSITORY = 'registry.example.com/payments';
export const BRANCH = 'main';
export const REPO_NAME = 'fleet';
export const PATH_TEMPLATE = 'clusters/{cluster}/apps/payments/values.yaml';
export const REPLICAS = 4;

export const valuesPath = (cluster: string) => PATH_TEMPLATE.replace('{cluster}', cluster);

/** A Helm values file as a platform team writes it: comments, key order and quoting that a commit must keep. */
export function valuesFile(cluster: string, version: string): string {
  return [
    `# payments in ${cluster}: Helm values, synced to the cluster by Argo CD.`,
    '# wavegate owns image.tag; everything else is ours (platform team).',
    `replicaCount: ${REPLICAS}`,
    'image:',
    `  repository: ${IMAGE_REPOSITORY}`,
    `  tag: "${version}" # the release this cluster runs`,
    '  pullPolicy: IfNotPresent',
    'resources:',
    '  requests: { cpu: 250m, memory: 256Mi }',
    '',
  ].join('\n');
}

export interface FleetRepo {
  /** The bare repository: the "remote" wavegate pushes to and the simulated Argo CD reads. */
  bareDir: string;
  fleetFile: string;
  reposFile: string;
}

/**
 * Creates, under `dir`, the bare fleet repository seeded with one values file per cluster at
 * `version` (one commit by the platform team), the fleet file and the repositories file.
 */
export async function createFleetRepo(dir: string, version: string): Promise<FleetRepo> {
  const bareDir = join(dir, 'fleet.git');
  const seed = join(dir, 'seed');
  await git(['init', '--quiet', '--bare', `--initial-branch=${BRANCH}`, bareDir]);
  await git(['init', '--quiet', `--initial-branch=${BRANCH}`, seed]);
  for (const c of DEMO_CLUSTERS) {
    const file = join(seed, valuesPath(c.name));
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, valuesFile(c.name, version));
  }
  await git(['add', '.'], { cwd: seed });
  const who = ['-c', 'user.name=Platform Team', '-c', 'user.email=platform@example.com'];
  await git([...who, 'commit', '--quiet', '-m', `payments ${version} in every cluster`], { cwd: seed });
  await git(['push', '--quiet', bareDir, `${BRANCH}:${BRANCH}`], { cwd: seed });
  await rm(seed, { recursive: true, force: true });

  const fleetFile = join(dir, 'fleet.yaml');
  await writeFile(
    fleetFile,
    stringify({
      apiVersion: 'wavegate.dev/v1alpha1',
      kind: 'Fleet',
      clusters: DEMO_CLUSTERS.map((c) => ({ name: c.name, labels: { ...c.labels }, context: c.name, scope: { cluster: c.name } })),
    }),
  );
  const reposFile = join(dir, 'repos.yaml');
  await writeFile(reposFile, stringify({ repos: { [REPO_NAME]: { url: bareDir, author: { name: 'wavegate', email: 'wavegate@demo.example.com' } } } }));
  return { bareDir, fleetFile, reposFile };
}
