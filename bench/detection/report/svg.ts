/**
 * A small SVG dot plot, written by hand so the benchmark needs no plotting dependency: one row per
 * scenario, one marker per method (with an optional interval whisker), a value axis with ticks,
 * an optional reference line, and a column at the right for "no value" (e.g. not detected).
 */

export interface Series {
  label: string;
  color: string;
  /** One entry per row: null = no value (drawn hollow in the right-hand column). */
  points: Array<{ value: number | null; low?: number; high?: number }>;
}

export interface DotPlot {
  title: string;
  rows: string[];
  series: Series[];
  /** Maps a value to [0, 1] along the axis. */
  scale: (v: number) => number;
  ticks: Array<{ value: number; label: string }>;
  reference?: { value: number; label: string };
  noValueLabel: string;
  axisLabel: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const LEFT = 330;
const PLOT = 520;
const NA = 60;
const ROW = 22;
const TOP = 48;

export function dotPlot(p: DotPlot): string {
  const height = TOP + p.rows.length * ROW + 40 + 18 * Math.ceil(p.series.length / 3);
  const width = LEFT + PLOT + NA + 20;
  const x = (v: number) => LEFT + Math.max(0, Math.min(1, p.scale(v))) * PLOT;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`);
  const bottom = TOP + p.rows.length * ROW;
  for (const t of p.ticks) {
    out.push(`<line x1="${x(t.value)}" y1="${TOP - 6}" x2="${x(t.value)}" y2="${bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x(t.value)}" y="${bottom + 14}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(`<text x="${LEFT + PLOT / 2}" y="${bottom + 28}" text-anchor="middle">${esc(p.axisLabel)}</text>`);
  out.push(`<text x="${LEFT + PLOT + NA / 2}" y="${TOP - 10}" text-anchor="middle">${esc(p.noValueLabel)}</text>`);
  if (p.reference) {
    const rx = x(p.reference.value);
    out.push(`<line x1="${rx}" y1="${TOP - 6}" x2="${rx}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${rx + 3}" y="${TOP - 10}" fill="#c00">${esc(p.reference.label)}</text>`);
  }
  p.rows.forEach((row, i) => {
    const y = TOP + i * ROW + ROW / 2;
    if (i % 2 === 0) out.push(`<rect x="0" y="${y - ROW / 2}" width="${width}" height="${ROW}" fill="#f6f6f6"/>`);
    out.push(`<text x="${LEFT - 8}" y="${y + 4}" text-anchor="end">${esc(row)}</text>`);
    p.series.forEach((s, k) => {
      const dy = y + (k - (p.series.length - 1) / 2) * (ROW / (p.series.length + 1));
      const pt = s.points[i];
      if (!pt) return;
      if (pt.value === null) {
        const nx = LEFT + PLOT + 10 + (k * (NA - 20)) / Math.max(1, p.series.length - 1);
        out.push(`<circle cx="${nx}" cy="${dy}" r="2.5" fill="none" stroke="${s.color}"/>`);
        return;
      }
      if (pt.low !== undefined && pt.high !== undefined) out.push(`<line x1="${x(pt.low)}" y1="${dy}" x2="${x(pt.high)}" y2="${dy}" stroke="${s.color}" stroke-width="1"/>`);
      out.push(`<circle cx="${x(pt.value)}" cy="${dy}" r="3" fill="${s.color}"><title>${esc(`${s.label}: ${row}: ${pt.value}`)}</title></circle>`);
    });
  });
  p.series.forEach((s, k) => {
    const lx = 20 + (k % 3) * 300;
    const ly = bottom + 46 + Math.floor(k / 3) * 18;
    out.push(`<circle cx="${lx}" cy="${ly - 4}" r="4" fill="${s.color}"/><text x="${lx + 8}" y="${ly}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
