import type { Logger } from 'pino';
import { abortAnalysis, advance, newAnalysis, type AdvanceOptions } from '../core/analysis/advance.js';
import type { AnalysisStore } from '../core/analysis/analysis-store.js';
import type { MetricsSource } from '../core/analysis/metrics-source.js';
import type { Analysis, AnalysisRequest, Measurement, MetricSpec } from '../core/analysis/model.js';
import { dueTickEnds, lastTickEnd } from '../core/analysis/schedule.js';
import { AnalysisNotFoundError, StaleRevisionError } from '../errors/store-errors.js';
import { InvalidAnalysisRequestError } from '../errors/request-errors.js';
import { WavegateError } from '../errors/wavegate-error.js';
import type { Failpoint } from '../telemetry/failpoints.js';
import { withLease } from '../jobs/lease-keeper.js';
import { readBaselineHistory } from './baseline-history.js';
import { measureMetric, type QueryLookup } from './measure.js';
import { prefetchRange } from './replay.js';

/** What the service needs from the outside; `main.ts` provides each piece. */
export interface AnalysisServiceDeps {
  store: AnalysisStore;
  source: MetricsSource;
  /** Renders the request's templates into metric specs; throws typed errors naming the bad field. */
  renderSpecs: (request: AnalysisRequest) => MetricSpec[];
  now: () => number;
  newId: () => string;
  logger: Logger;
  /** Wait this long after an interval ends before measuring it, so the last scrape has landed. */
  settleDelayMs?: number;
  /** Owner name for tick leases (host + pid); two processes never tick one analysis at once. */
  owner: string;
  leaseTtlMs?: number;
  advance?: AdvanceOptions;
  /** Called after every stored change, for telemetry. */
  onChange?: (before: Analysis | null, after: Analysis, measurements: readonly Measurement[]) => void;
  /** Crash-test hook (telemetry/failpoints.ts); a no-op in production. */
  failpoint?: Failpoint;
}

export class AnalysisService {
  constructor(private readonly deps: AnalysisServiceDeps) {}

  /**
   * Starts an analysis, or returns the one already started with the same key. A retrospective one is
   * replayed to its verdict before this returns.
   */
  async create(request: AnalysisRequest): Promise<{ analysis: Analysis; created: boolean }> {
    const { store, now, newId } = this.deps;
    if (request.key) {
      const existing = await store.getByKey(request.key);
      if (existing) return { analysis: existing, created: false };
    }
    validateTiming(request);
    const specs = this.deps.renderSpecs(request);
    const fresh = newAnalysis({ id: newId(), request, specs, now: now() });
    const { analysis, created } = await store.create(fresh);
    if (!created) return { analysis, created };
    this.deps.onChange?.(null, analysis, []);
    this.deps.logger.info({ analysisId: analysis.id, key: analysis.key, mode: analysis.mode, metrics: specs.length }, 'analysis started');
    if (analysis.mode === 'retrospective') return { analysis: (await this.tick(analysis.id)) ?? analysis, created };
    return { analysis, created };
  }

  async get(id: string): Promise<Analysis> {
    const a = await this.deps.store.get(id);
    if (!a) throw new AnalysisNotFoundError(id);
    return a;
  }

  async abort(id: string, reason: string, by?: string): Promise<Analysis> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(id);
      if (current.verdict !== 'running') return current;
      try {
        return await this.save(current, abortAnalysis(current, reason, this.deps.now(), by), []);
      } catch (err) {
        if (!(err instanceof StaleRevisionError) || attempt >= 5) throw err;
      }
    }
  }

  /**
   * Measures every interval that has ended (live analyses catch up after a restart the same way),
   * under a lease so that only one process ticks an analysis. Returns the analysis as stored.
   */
  async tick(id: string): Promise<Analysis | null> {
    const { store } = this.deps;
    const lease = { owner: this.deps.owner, ttlMs: this.deps.leaseTtlMs ?? 60_000, now: () => this.deps.now(), onLost: (why: string) => this.deps.logger.warn({ analysisId: id, why }, 'analysis lease lost; stopping before the next tick') };
    return withLease(store, id, lease, async (held) => {
      let current: Analysis | null = null;
      try {
        current = await store.get(id);
        if (!current || current.verdict !== 'running') return current;
        // Only ratio metrics read a history; an analysis without one spends no read and no write on it.
        if (current.baselineHistory === undefined && current.specs.some((s) => s.kind === 'ratio')) {
          const baselineHistory = await readBaselineHistory(this.deps.source, current, this.deps.logger);
          current = await this.save(current, { ...current, baselineHistory, updatedAt: this.deps.now() }, []);
        }
        if (current.mode === 'retrospective') return await this.replay(current);
        for (const end of dueTickEnds(current, this.deps.now(), this.deps.settleDelayMs ?? 0)) {
          if (held.lost) break;
          const measurements = await this.measureAll(current.specs, end - current.request.intervalMs, end, (q) => this.deps.source.instant(q, end));
          this.deps.failpoint?.('analysis.afterMeasure');
          current = await this.save(current, advance(current, end, measurements, this.deps.now(), this.deps.advance), measurements);
          if (current.verdict !== 'running') break;
        }
        return current;
      } catch (err) {
        // The running state's deadline: past its last interval plus a grace, an analysis whose ticks
        // keep failing ends inconclusive (naming the error) instead of answering `running` forever.
        if (current && current.verdict === 'running' && !(err instanceof StaleRevisionError) && this.deps.now() > lastTickEnd(current.request) + overdueGraceMs(current)) {
          const code = err instanceof WavegateError ? err.code : 'TICK_FAILED';
          return await this.save(current, abortAnalysis(current, `no tick could be completed by the deadline (${code}: ${(err as Error).message})`, this.deps.now(), 'wavegate'), []);
        }
        throw err;
      }
    });
  }

  /** When the next tick of a running analysis is due (ms), or null when it has none left. */
  nextDueAt(a: Analysis): number | null {
    if (a.verdict !== 'running') return null;
    const next = a.lastTickEnd + a.request.intervalMs;
    return next > lastTickEnd(a.request) ? null : next + (this.deps.settleDelayMs ?? 0);
  }

  /** Replays the remaining ticks of a retrospective analysis from one range query per PromQL string. */
  private async replay(analysis: Analysis): Promise<Analysis> {
    const { intervalMs } = analysis.request;
    const first = analysis.lastTickEnd + intervalMs;
    const final = lastTickEnd(analysis.request);
    const lookupAt = await prefetchRange(this.deps.source, analysis.specs, first, final, intervalMs);
    let state = analysis;
    const all: Measurement[] = [];
    for (let end = first; end <= final && state.verdict === 'running'; end += intervalMs) {
      // Let health probes, hooks and other ticks run between replayed ticks.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const measurements = await this.measureAll(state.specs, end - intervalMs, end, lookupAt(end));
      all.push(...measurements);
      state = advance(state, end, measurements, this.deps.now(), this.deps.advance);
    }
    return this.save(analysis, state, all);
  }

  private async measureAll(specs: readonly MetricSpec[], start: number, end: number, lookup: QueryLookup): Promise<Measurement[]> {
    return Promise.all(specs.map((s) => measureMetric(s, start, end, lookup)));
  }

  private async save(before: Analysis, after: Analysis, measurements: readonly Measurement[]): Promise<Analysis> {
    const stored = await this.deps.store.update(after, before.revision);
    this.deps.onChange?.(before, stored, measurements);
    if (before.verdict === 'running' && stored.verdict !== 'running') {
      this.deps.logger.info({ analysisId: stored.id, verdict: stored.verdict, score: stored.score }, 'analysis decided');
    }
    return stored;
  }
}

/** How long past its last interval a failing analysis may keep trying: ten intervals, at least 10 minutes. */
function overdueGraceMs(a: Analysis): number {
  return Math.max(10 * a.request.intervalMs, 600_000);
}

function validateTiming(r: AnalysisRequest): void {
  if (r.endTime !== undefined && r.endTime <= r.startTime) {
    throw new InvalidAnalysisRequestError('endTime', 'must be after startTime');
  }
  if (r.intervalMs > r.maxDurationMs) throw new InvalidAnalysisRequestError('interval', 'must not be longer than maxDuration');
  if (r.endTime !== undefined && r.endTime - r.startTime < r.intervalMs) {
    throw new InvalidAnalysisRequestError('endTime', 'the time range must hold at least one interval');
  }
}
