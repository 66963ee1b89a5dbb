import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterClients } from '../../../src/adapters/kube/index.js';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube-api-server.js';
import { deploymentRef } from './helpers.js';

/** Where the kubeconfig comes from, and one client per fleet cluster. */

let server: KubeApiServer;
let dir: string;
let file: string;
const clusters = { 'eu-1': { context: 'eu-1' }, 'us-1': { context: 'us-1' } };

beforeAll(async () => {
  server = await startKubeApiServer({ clusters: ['eu-1', 'us-1'] });
  server.cluster('eu-1').createDeployment({ namespace: 'payments', name: 'api', image: 'api:eu' });
  server.cluster('us-1').createDeployment({ namespace: 'payments', name: 'api', image: 'api:us' });
  dir = mkdtempSync(join(tmpdir(), 'wavegate-kube-'));
  file = join(dir, 'config');
  writeFileSync(file, server.kubeconfig());
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.close();
});

describe('createClusterClients', () => {
  it('reads each cluster through its own context', async () => {
    const clients = createClusterClients({ kubeconfigPath: file, clusters, timeoutMs: 1_000 });
    expect((await clients('eu-1').workloadStatus(deploymentRef('eu-1')))?.images).toEqual(['api:eu']);
    expect((await clients('us-1').workloadStatus(deploymentRef('us-1')))?.images).toEqual(['api:us']);
  });

  it('maps fleet names to any context name', async () => {
    const kubeconfigYaml = server.kubeconfig({ contexts: { 'eu-1': 'admin@eu-1' } });
    const clients = createClusterClients({ kubeconfigYaml, clusters: { europe: { context: 'admin@eu-1' } }, timeoutMs: 1_000 });
    expect((await clients('europe').workloadStatus(deploymentRef('europe')))?.images).toEqual(['api:eu']);
  });

  it('falls back to $KUBECONFIG when given neither a path nor YAML', async () => {
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      const clients = createClusterClients({ clusters, timeoutMs: 1_000 });
      expect((await clients('us-1').workloadStatus(deploymentRef('us-1')))?.images).toEqual(['api:us']);
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
  });

  it('refuses a path and YAML together, and a missing file, at startup', () => {
    expect(() => createClusterClients({ kubeconfigPath: file, kubeconfigYaml: server.kubeconfig(), clusters, timeoutMs: 1_000 })).toThrow(TypeError);
    expect(() => createClusterClients({ kubeconfigPath: join(dir, 'missing'), clusters, timeoutMs: 1_000 })).toThrow(/cannot load the kubeconfig .*missing \(ENOENT\)/);
  });
});
