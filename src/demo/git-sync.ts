import { parseDocument } from 'yaml';
import { git } from './git.js';
import type { SimulatedDeployment } from './simulated-cluster.js';

export interface SyncEvent {
  cluster: string;
  revision: string;
  image: string;
}

/**
 * A tiny Argo CD: every `pollMs` it reads the branch head of the bare fleet repository and, when it
 * moved, each cluster's values file at that revision (`git show <rev>:<path>`), and applies
 * `image.repository:image.tag` × `replicaCount` to that cluster's simulated Deployment.
 */
export class GitSync {
  private timer: NodeJS.Timeout | null = null;
  private head: string | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly opts: {
      bareDir: string;
      branch: string;
      deployments: ReadonlyMap<string, SimulatedDeployment>;
      pathOf: (cluster: string) => string;
      now: () => number;
      pollMs?: number;
      onSync?: (e: SyncEvent) => void;
      onError?: (err: Error) => void;
    },
  ) {}

  /** Reads Git once now (so every cluster runs what Git says before anything starts), then keeps polling. */
  async start(): Promise<void> {
    await this.syncOnce();
    const loop = () => {
      if (this.stopped) return;
      this.running = this.syncOnce()
        .catch((err: unknown) => this.opts.onError?.(err as Error))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.pollMs ?? 500);
        });
    };
    this.timer = setTimeout(loop, this.opts.pollMs ?? 500);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async syncOnce(): Promise<void> {
    const head = (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${this.opts.branch}`], { cwd: this.opts.bareDir })).trim();
    if (head === this.head) return;
    for (const [cluster, deployment] of this.opts.deployments) {
      const text = await git(['show', `${head}:${this.opts.pathOf(cluster)}`], { cwd: this.opts.bareDir });
      const values = parseDocument(text).toJS() as { replicaCount?: number; image?: { repository?: string; tag?: string } };
      const image = `${values.image?.repository}:${values.image?.tag}`;
      if (deployment.apply({ image, replicas: values.replicaCount ?? 1 }, this.opts.now())) this.opts.onSync?.({ cluster, revision: head, image });
    }
    this.head = head;
  }
}
