import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterClients } from '../../../src/adapters/kube/index.js';
import {
  KubeBadResponseError,
  KubeClusterUnknownError,
  KubeError,
  KubeForbiddenError,
  KubeUnavailableError,
} from '../../../src/errors/kube-errors.js';
import { freePort } from '../../harness/free-port.js';
import { startKubeApiServer, type ClusterHandle, type KubeApiServer } from '../../harness/kube-api-server.js';
import { clientsFor, deploymentRef, eventually, everything, recordingLogger } from './helpers.js';

/** Failures of the Kubernetes adapter: typed, retryable when waiting can help, never leaking credentials. */

const TOKEN = 'kube-tok-93e1f0c4d2b7a6';
let server: KubeApiServer;
let eu: ClusterHandle;
const api = deploymentRef('eu-1');

beforeAll(async () => {
  server = await startKubeApiServer({ clusters: [{ name: 'eu-1', token: TOKEN }] });
  eu = server.cluster('eu-1');
  eu.createDeployment({ namespace: 'payments', name: 'api', image: 'registry.example/api:1.0.0' });
});
afterAll(() => server.close());
beforeEach(() => {
  eu.clearFaults();
  eu.allowAll();
});

const client = (timeoutMs = 1_000) => clientsFor(server, ['eu-1'], { timeoutMs })('eu-1');
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as KubeError,
  );

describe('transient failures are KUBE_UNAVAILABLE and retryable', () => {
  it.each([500, 503, 429])('an API server answering %i', async (code) => {
    eu.injectFault({ kind: 'status', code }, { verbs: ['get'], times: 1 });
    const error = await failureOf(client().workloadStatus(api));
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error).toMatchObject({ code: 'KUBE_UNAVAILABLE', retryable: true, details: { cluster: 'eu-1', context: 'eu-1', status: code, operation: 'get', kind: 'Deployment' } });
    expect(await client().workloadStatus(api)).toMatchObject({ converged: true }); // the next call succeeds
  });

  it('an API server that does not answer within timeoutMs', async () => {
    eu.injectFault({ kind: 'hang' }, { verbs: ['get'], times: 1 });
    const started = Date.now();
    const error = await failureOf(client(300).workloadStatus(api));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error.message).toBe('Kubernetes cluster eu-1: get Deployment payments/api: no answer within 300 ms');
    expect(error.details.timeoutMs).toBe(300);
  });

  it('an answer later than timeoutMs', async () => {
    eu.injectFault({ kind: 'delay', ms: 600 }, { verbs: ['get'], times: 1 });
    expect(await failureOf(client(300).workloadStatus(api))).toBeInstanceOf(KubeUnavailableError);
  });

  it('an answer whose body stops halfway: the deadline covers the body too', async () => {
    eu.injectFault({ kind: 'stall-body' }, { verbs: ['get'], times: 1 });
    const error = await failureOf(client(300).workloadStatus(api));
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error.details.timeoutMs).toBe(300);
  });

  it('a connection reset without an answer', async () => {
    eu.injectFault({ kind: 'reset' }, { verbs: ['get'], times: 1 });
    const error = await failureOf(client().workloadStatus(api));
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error.details.networkCode).toBe('ECONNRESET');
  });

  it('an API server that is not listening', async () => {
    const port = await freePort();
    const kubeconfigYaml = server.kubeconfig().replaceAll(server.url, `http://127.0.0.1:${port}`);
    const error = await failureOf(createClusterClients({ kubeconfigYaml, clusters: { 'eu-1': { context: 'eu-1' } }, timeoutMs: 1_000 })('eu-1').workloadStatus(api));
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error.details.networkCode).toBe('ECONNREFUSED');
  });
});

describe('answers that waiting will not change', () => {
  it('RBAC denial is KUBE_FORBIDDEN with the server reason', async () => {
    eu.deny({ verbs: ['get'] });
    const error = await failureOf(client().workloadStatus(api));
    expect(error).toBeInstanceOf(KubeForbiddenError);
    expect(error).toMatchObject({ retryable: false, details: { status: 403, reason: 'Forbidden' } });
    expect(error.message).toContain('cannot get resource "deployments" in API group "apps" in the namespace "payments"');
  });

  it('a wrong token is KUBE_FORBIDDEN (401)', async () => {
    const kubeconfigYaml = server.kubeconfig({ tokens: { 'eu-1': 'not-the-token' } });
    const error = await failureOf(createClusterClients({ kubeconfigYaml, clusters: { 'eu-1': { context: 'eu-1' } }, timeoutMs: 1_000 })('eu-1').workloadStatus(api));
    expect(error).toBeInstanceOf(KubeForbiddenError);
    expect(error.details.status).toBe(401);
  });

  it('an HTML page instead of JSON is KUBE_BAD_RESPONSE (retryable: a proxy hiccup)', async () => {
    eu.injectFault({ kind: 'garbage' }, { verbs: ['get'], times: 1 });
    const error = await failureOf(client().workloadStatus(api));
    expect(error).toBeInstanceOf(KubeBadResponseError);
    expect(error.retryable).toBe(true);
  });
});

describe('unknown clusters', () => {
  it('asking for a cluster outside the fleet configuration is KUBE_CLUSTER_UNKNOWN', () => {
    const clients = clientsFor(server, ['eu-1']);
    expect(() => clients('mars-1')).toThrow(KubeClusterUnknownError);
    expect(() => clients('mars-1')).toThrow('Kubernetes cluster mars-1 is not in the fleet configuration');
  });

  it('a fleet cluster whose context is missing from the kubeconfig fails at startup', () => {
    const create = () => createClusterClients({ kubeconfigYaml: server.kubeconfig(), clusters: { 'eu-2': { context: 'eu-2-admin' } }, timeoutMs: 1_000 });
    expect(create).toThrow(KubeClusterUnknownError);
    expect(create).toThrow('Kubernetes cluster eu-2: the kubeconfig has no context eu-2-admin');
  });

  it('a ref for another cluster is a caller bug', async () => {
    await expect(client().workloadStatus(deploymentRef('us-1'))).rejects.toThrow(TypeError);
  });

  it('a plain-HTTP server without insecure-skip-tls-verify is refused at startup, not at every call', () => {
    const kubeconfigYaml = server.kubeconfig().replaceAll('insecure-skip-tls-verify: true', 'insecure-skip-tls-verify: false');
    expect(() => createClusterClients({ kubeconfigYaml, clusters: { 'eu-1': { context: 'eu-1' } }, timeoutMs: 1_000 })).toThrow(/insecure-skip-tls-verify/);
  });
});

describe('the bearer token never appears in errors or logs', () => {
  it('is sent to the API server but redacted when the server echoes it in an error', async () => {
    eu.injectFault({ kind: 'echo-credentials' }, { verbs: ['get'], times: 1 });
    const error = await failureOf(client().workloadStatus(api));
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error.message).toContain('Authorization: Bearer [REDACTED]');
    expect(everything(error)).not.toContain(TOKEN);
  });

  it('is redacted from watch retries in the log and from the final error', async () => {
    eu.injectFault({ kind: 'echo-credentials' }, { verbs: ['list'] });
    const log = recordingLogger();
    const clients = clientsFor(server, ['eu-1'], { logger: log.logger, watch: { retryBaseMs: 10, retryMaxMs: 20, maxConsecutiveFailures: 3, random: () => 0.5 } });
    const error = await failureOf(clients('eu-1').watchWorkload(api, () => {}, new AbortController().signal));
    await eventually(() => log.lines.length === 2);
    expect(log.text()).toContain('[REDACTED]');
    expect(log.text()).not.toContain(TOKEN);
    expect(everything(error)).not.toContain(TOKEN);
  });

  it('is not printed when the kubeconfig cannot be parsed', () => {
    const broken = `${server.kubeconfig()}\n  token: ${TOKEN}\n bad: [indent`;
    let error: unknown;
    try {
      createClusterClients({ kubeconfigYaml: broken, clusters: { 'eu-1': { context: 'eu-1' } }, timeoutMs: 1_000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(everything(error)).not.toContain(TOKEN);
  });
});
