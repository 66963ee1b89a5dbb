import { formatPercent as judgePercent, formatRatio as judgeRatio } from '../judge/judgement.js';

/**
 * Numbers as on-call reads them. Every helper takes `null`, `undefined` and NaN and answers "n/a",
 * so no explanation can ever print "NaN" or "undefined"; infinities print as ∞ (an interval with no
 * upper end yet, an e-value that overflowed a double).
 */
type Maybe = number | null | undefined;

export const NOT_AVAILABLE = 'n/a';

const isNumber = (x: Maybe): x is number => typeof x === 'number' && !Number.isNaN(x);

/** Units an explanation knows how to print a compared value in. */
export type ValueUnit = 'percent' | 'seconds' | 'multiple' | 'number';

/** A share 0..1 as a percent, with enough digits for 0.05% (the judges' format, so reasons agree). */
export function formatPercent(p: Maybe): string {
  return judgePercent(p);
}

/** A multiple such as a rate ratio or a burn rate: "2.20×", "∞". */
export function formatRatio(r: Maybe): string {
  return isNumber(r) ? judgeRatio(r) : NOT_AVAILABLE;
}

/** Latency in seconds: milliseconds below 1 s ("250 ms", "2.5 ms"), seconds above ("1.50 s"). */
export function formatSeconds(s: Maybe): string {
  if (!isNumber(s)) return NOT_AVAILABLE;
  if (!Number.isFinite(s)) return s > 0 ? '∞' : '-∞';
  const ms = s * 1000;
  if (Math.abs(ms) < 10) return `${trimZeros(ms.toFixed(1))} ms`;
  if (Math.abs(s) < 1) return `${Math.round(ms)} ms`;
  return `${s.toFixed(2)} s`;
}

/** Event counts: Prometheus' `increase()` extrapolates, so counts may be fractional; group thousands. */
export function formatCount(n: Maybe): string {
  if (!isNumber(n)) return NOT_AVAILABLE;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  if (Number.isInteger(n) || Math.abs(n) >= 100) return groupThousands(Math.round(n));
  return trimZeros(n.toFixed(1));
}

/**
 * An e-value given as its natural log (how the judges store it, since e-values overflow doubles): as a
 * plain number between 0.01 and a million, in scientific notation beyond ("3.4e12", "2.0e-5").
 */
export function formatEValue(logE: Maybe): string {
  if (!isNumber(logE)) return NOT_AVAILABLE;
  if (logE === Infinity) return '∞';
  if (logE === -Infinity) return '0';
  const log10 = logE / Math.LN10;
  if (log10 >= 6 || log10 < -2) {
    let exponent = Math.floor(log10);
    let mantissa = 10 ** (log10 - exponent);
    if (Number(mantissa.toFixed(1)) >= 10) {
      mantissa /= 10;
      exponent += 1;
    }
    return `${mantissa.toFixed(1)}e${exponent}`;
  }
  const v = Math.exp(logE);
  if (v >= 100) return groupThousands(Math.round(v));
  return trimZeros(v.toPrecision(2));
}

/** A confidence level 0..1 as a percent with as many digits as it takes not to round to 100%. */
export function formatConfidence(c: Maybe): string {
  if (!isNumber(c) || !Number.isFinite(c)) return NOT_AVAILABLE;
  const pct = c * 100;
  let digits = 1;
  while (digits < 6 && pct < 100 && Number(pct.toFixed(digits)) >= 100) digits += 1;
  return `${trimZeros(pct.toFixed(digits))}%`;
}

/** A false-fail budget α: two significant digits ("0.017", "0.05"). */
export function formatAlpha(a: Maybe): string {
  if (!isNumber(a) || !Number.isFinite(a)) return NOT_AVAILABLE;
  return String(Number(a.toPrecision(2)));
}

/** Any other scalar: four significant digits, thousands grouped. */
export function formatNumber(v: Maybe): string {
  if (!isNumber(v)) return NOT_AVAILABLE;
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (Math.abs(v) >= 10_000) return groupThousands(Math.round(v));
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(1);
  return trimZeros(v.toPrecision(4));
}

export function formatValue(v: Maybe, unit: ValueUnit): string {
  switch (unit) {
    case 'percent':
      return formatPercent(v);
    case 'seconds':
      return formatSeconds(v);
    case 'multiple':
      return formatRatio(v);
    case 'number':
      return formatNumber(v);
  }
}

function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1.50" → "1.5", "2.0" → "2"; leaves integers and exponents alone. */
function trimZeros(s: string): string {
  if (!s.includes('.') || s.includes('e')) return s;
  return s.replace(/\.?0+$/, '');
}
