import { SimulatedController } from './controller.js';
import type { FaultRule, RequestMatch } from './faults.js';
import { ClusterStore } from './store.js';
import type { ResourceType, Verb, WorkloadKind } from './types.js';
import type { WatchStream } from './watch.js';

/** How one simulated cluster behaves. */
export interface ClusterOptions {
  name: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /** The user named in 403 messages (default `system:serviceaccount:wavegate:wavegate`). */
  user?: string;
  /** false: the Argo Rollouts CRD is not installed, so rollout paths are 404 (default true). */
  servesRollouts?: boolean;
}

/** A request as the server saw it. The Authorization header is deliberately not kept. */
export interface RecordedRequest {
  verb: Verb;
  kind: WorkloadKind;
  namespace: string | undefined;
  name: string | undefined;
  subresource: 'status' | undefined;
  query: Record<string, string>;
  at: number;
}

/** Everything the server holds for one cluster. */
export interface ClusterState {
  name: string;
  token: string | undefined;
  user: string;
  serves(type: ResourceType): boolean;
  store: ClusterStore;
  controller: SimulatedController;
  streams: Set<WatchStream>;
  faults: FaultRule[];
  denials: RequestMatch[];
  requests: RecordedRequest[];
}

export function createClusterState(options: ClusterOptions, eventWindow: number): ClusterState {
  const store = new ClusterStore(eventWindow);
  const servesRollouts = options.servesRollouts ?? true;
  return {
    name: options.name,
    token: options.token,
    user: options.user ?? 'system:serviceaccount:wavegate:wavegate',
    serves: (type) => type.kind !== 'Rollout' || servesRollouts,
    store,
    controller: new SimulatedController(store),
    streams: new Set(),
    faults: [],
    denials: [],
    requests: [],
  };
}
