import { stringify } from 'yaml';

/** The slice of the rollout resource (GET /api/v1/rollouts/:id) the demo reads. */
export interface RolloutView {
  id: string;
  app: string;
  version: string;
  status: 'running' | 'paused' | 'succeeded' | 'rolledBack' | 'aborted' | 'failed';
  pausedReason: string | null;
  stage: { kind: string; wave?: number };
  waves: Array<{ name: string; clusters: Array<{ name: string }>; batches: string[][] }>;
  analyses: Array<{ wave: string; step: string; analysisId: string; verdict: string | null; headline: string | null; explanationUrl: string }>;
  commits: Array<{ action: 'promote' | 'rollback'; wave: string; clusters: string[]; sha: string; created: boolean }>;
  events: Array<{ at: string; kind: string; by?: string; why?: string; detail?: string }>;
}

export interface AnalysisView {
  id: string;
  verdict: string;
  measuredUntil: string | null;
  metrics: Array<{ template: string; name: string; verdict: string; reason: string }>;
}

/** wavegate's HTTP API over a real socket, as a release owner's script would call it. */
export class WavegateClient {
  constructor(private readonly baseUrl: string) {}

  /** Submits a plan as YAML (what a person keeps in a file); throws with the API's message on a non-201. */
  async submit(plan: unknown, by: string): Promise<RolloutView> {
    const res = await fetch(`${this.baseUrl}/api/v1/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', 'x-wavegate-user': by },
      body: stringify(plan),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 201) throw new Error(`POST /api/v1/rollouts answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as RolloutView;
  }

  rollout(id: string): Promise<RolloutView> {
    return this.json(`/api/v1/rollouts/${encodeURIComponent(id)}`);
  }

  analysis(id: string): Promise<AnalysisView> {
    return this.json(`/api/v1/analyses/${encodeURIComponent(id)}`);
  }

  /** The explanation as on-call reads it (text/plain). */
  async explanation(id: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/v1/analyses/${encodeURIComponent(id)}/explanation`, { headers: { accept: 'text/plain' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET explanation answered ${res.status}: ${await res.text()}`);
    return res.text();
  }

  private async json<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}
