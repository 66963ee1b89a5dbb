import type { Analysis } from '../analysis/model.js';
import { formatNumber } from './format-number.js';
import { formatUtc } from './format-time.js';
import type { MetricExplanation, ScoreExplanation } from './types.js';

/**
 * The one sentence on-call reads first: the verdict (with the score when it matters), the metric it is
 * about with that metric's numbers, and the time range measured. Aborts and marginal scores lead with
 * their own cause, since no single metric's numbers explain those.
 */
export interface HeadlineInput {
  analysis: Analysis;
  metrics: readonly MetricExplanation[];
  lead: MetricExplanation | null;
  scoring: ScoreExplanation;
  /** formatTimeRange of what was measured, or null when nothing was. */
  range: string | null;
}

export function buildHeadline(input: HeadlineInput): string {
  const { analysis: a, range } = input;
  const when = range === null ? `nothing measured yet (started ${formatUtc(a.startedAt)})` : `measured ${a.verdict === 'running' ? 'so far ' : ''}${range}`;
  return `${prefix(input)}: ${body(input)}; ${when}.`;
}

function body({ analysis: a, metrics, lead, scoring }: HeadlineInput): string {
  if (a.abort && a.verdict !== 'fail') {
    const at = a.abort.at;
    const undecided = metrics.filter((m) => m.verdict === 'inconclusive' && m.decidedAt !== null && Date.parse(m.decidedAt) === at);
    const others = undecided.filter((m) => m !== lead);
    const about = lead ? `; ${lead.id} — ${lead.summary}` : '';
    return `${abortText(a)}${about}${others.length ? `; also not decided: ${others.map((m) => m.id).join(', ')}` : ''}`;
  }
  if (!lead) return 'the analysis has no metrics to judge';
  const marginal = a.verdict === 'inconclusive' && lead.verdict === 'fail' && a.score !== null;
  const about = marginal
    ? `score ${formatNumber(a.score)} is marginal (at least ${scoring.marginalScore}, below ${scoring.passScore}): ${lead.id} failed — ${lead.summary}`
    : `${lead.id} — ${lead.summary}`;
  return a.abort ? `${about}; then ${abortText(a)}` : about;
}

function prefix({ analysis: a, metrics, lead, scoring }: HeadlineInput): string {
  const score = a.score === null ? null : formatNumber(a.score);
  switch (a.verdict) {
    case 'fail':
      if (lead?.critical && lead.verdict === 'fail') return 'FAIL (critical metric failed, score 0)';
      return score === null ? 'FAIL' : `FAIL (score ${score}, below ${scoring.marginalScore})`;
    case 'pass': {
      const passed = metrics.filter((m) => m.verdict === 'pass').length;
      return `PASS (score ${score ?? 'n/a'}, ${passed} of ${metrics.length} metrics passed)`;
    }
    case 'inconclusive':
      return score === null ? 'INCONCLUSIVE' : `INCONCLUSIVE (score ${score})`;
    case 'running': {
      const running = metrics.filter((m) => m.verdict === 'running').length;
      return `RUNNING (${running} of ${metrics.length} metrics still measuring)`;
    }
  }
}

function abortText(a: Analysis): string {
  const abort = a.abort!;
  return `aborted${abort.by ? ` by ${abort.by}` : ''} at ${formatUtc(abort.at)}: ${abort.reason}`;
}
