// Chart geometry for the insights components: d3-array chooses the value ticks, d3-time the
// time ticks, d3-shape draws the paths (tree-shaken, about 7 KB gzipped; d3-scale would double
// that for colour interpolation and number formatting the charts do not use: Intl formats, and
// a linear map is one line). Pure functions of data and size, unit-tested without a browser;
// `templates.ts` draws them as SVG.
import { nice, ticks } from 'd3-array';
import { utcDay, utcMonth, utcWeek, type CountableTimeInterval } from 'd3-time';
import { area, line } from 'd3-shape';

/** The linear map from [d0, d1] onto [r0, r1]. */
function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** Calendar ticks between two instants (days, weeks or months by span), at most about `count`. */
function timeTicks(first: number, last: number, count: number): Date[] {
  const days = (last - first) / 86_400_000;
  const interval: CountableTimeInterval = days <= 14 ? utcDay : days <= 120 ? utcWeek : utcMonth;
  const all = interval.range(new Date(first), new Date(last + 1));
  const step = Math.max(1, Math.ceil(all.length / Math.max(1, count)));
  return all.filter((_, i) => i % step === 0);
}

export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export const MARGIN: Margin = { top: 8, right: 12, bottom: 22, left: 44 };

export interface TrendPoint {
  readonly at: Date;
  /** Null: no figure for this bucket (a gap in the line, never a zero). */
  readonly value: number | null;
}

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface TrendGeometry {
  readonly width: number;
  readonly height: number;
  readonly margin: Margin;
  /** The line through the known points (gaps where a bucket has no figure); '' with none. */
  readonly line: string;
  /** The area under it, down to the x axis. */
  readonly area: string;
  readonly dots: ReadonlyArray<{ readonly x: number; readonly y: number; readonly point: TrendPoint }>;
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
}

export interface TrendOptions {
  readonly width: number;
  readonly height: number;
  readonly margin?: Margin;
  readonly formatX: (at: Date) => string;
  readonly formatY: (value: number) => string;
  readonly xTickCount?: number;
  readonly yTickCount?: number;
}

/** A trend of figures over time: x by time, y from zero (or the lowest negative) to the highest. */
export function trendGeometry(points: readonly TrendPoint[], options: TrendOptions): TrendGeometry {
  const margin = options.margin ?? MARGIN;
  const { width, height } = options;
  const known = points.filter((p): p is TrendPoint & { value: number } => p.value !== null && Number.isFinite(p.value));
  const times = points.map((p) => p.at.getTime());
  const first = times.length ? Math.min(...times) : 0;
  const last = times.length ? Math.max(...times) : 1;
  const toX = linear(first, last === first ? first + 1 : last, margin.left, width - margin.right);
  const x = (at: Date): number => toX(at.getTime());
  const values = known.map((p) => p.value);
  const yCount = options.yTickCount ?? 4;
  // All zero (or none): an axis of 0 to 1 rather than one of 0 to nothing.
  const highest = Math.max(0, ...values);
  const [low, high] = nice(Math.min(0, ...values), highest > 0 ? highest : 1, yCount);
  const y = linear(low, high, height - margin.bottom, margin.top);
  const defined = (p: TrendPoint): boolean => p.value !== null && Number.isFinite(p.value);
  const lineOf = line<TrendPoint>()
    .defined(defined)
    .x((p) => x(p.at))
    .y((p) => y(p.value ?? 0));
  const areaOf = area<TrendPoint>()
    .defined(defined)
    .x((p) => x(p.at))
    .y0(y(Math.max(low, 0)))
    .y1((p) => y(p.value ?? 0));
  return {
    width,
    height,
    margin,
    line: known.length ? (lineOf(points as TrendPoint[]) ?? '') : '',
    area: known.length ? (areaOf(points as TrendPoint[]) ?? '') : '',
    dots: known.map((p) => ({ x: x(p.at), y: y(p.value), point: p })),
    xTicks: points.length
      ? timeTicks(first, last, options.xTickCount ?? 4).map((t) => ({ at: x(t), label: options.formatX(t) }))
      : [],
    yTicks: ticks(low, high, yCount).map((v) => ({ at: y(v), label: options.formatY(v) })),
  };
}

export interface Segment {
  readonly key: string;
  readonly value: number;
}

export interface BarRow {
  readonly label: string;
  readonly y: number;
  readonly total: number;
  readonly segments: ReadonlyArray<{ readonly key: string; readonly x: number; readonly width: number; readonly value: number }>;
}

export interface BarsGeometry {
  readonly width: number;
  readonly height: number;
  readonly rowHeight: number;
  readonly labelWidth: number;
  readonly rows: readonly BarRow[];
  readonly ticks: readonly Tick[];
}

/** Horizontal stacked bars (e.g. each value-stream step's work and wait), on one shared scale
 * from zero to the longest total, so rows compare at a glance. Negative values count as zero. */
export function stackedBars(
  rows: ReadonlyArray<{ readonly label: string; readonly segments: readonly Segment[] }>,
  options: { readonly width: number; readonly rowHeight?: number; readonly labelWidth?: number; readonly format: (v: number) => string },
): BarsGeometry {
  const rowHeight = options.rowHeight ?? 26;
  const labelWidth = options.labelWidth ?? 120;
  const totals = rows.map((r) => r.segments.reduce((sum, s) => sum + Math.max(0, s.value), 0));
  const longest = Math.max(0, ...totals);
  const [, top] = nice(0, longest > 0 ? longest : 1, 4);
  const x = linear(0, top, labelWidth, options.width - 12);
  const placed = rows.map((r, i) => {
    let at = 0;
    const segments = r.segments.map((s) => {
      const value = Math.max(0, s.value);
      const from = x(at);
      at += value;
      return { key: s.key, x: from, width: x(at) - from, value };
    });
    return { label: r.label, y: i * rowHeight, total: totals[i] ?? 0, segments };
  });
  return {
    width: options.width,
    height: rows.length * rowHeight + 22,
    rowHeight,
    labelWidth,
    rows: placed,
    ticks: ticks(0, top, 4).map((v) => ({ at: x(v), label: options.format(v) })),
  };
}
