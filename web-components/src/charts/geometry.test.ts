import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stackedBars, trendGeometry, type TrendPoint } from './geometry.js';

const day = (n: number): Date => new Date(Date.UTC(2026, 0, 1 + n));
const opts = { width: 300, height: 120, formatX: (d: Date) => d.toISOString().slice(5, 10), formatY: String };

describe('a trend over time', () => {
  test('the first point is at the left edge, the last at the right, the highest at the top', () => {
    const points: TrendPoint[] = [
      { at: day(0), value: 2 },
      { at: day(7), value: 8 },
      { at: day(14), value: 4 },
    ];
    const g = trendGeometry(points, opts);
    const [a, b, c] = g.dots;
    assert.equal(a!.x, g.margin.left);
    assert.equal(c!.x, 300 - g.margin.right);
    assert.ok(b!.y < c!.y && c!.y < a!.y, 'higher values draw higher');
    assert.match(g.line, /^M/);
    assert.ok(g.yTicks.some((t) => t.label === '0'), 'the y axis starts at zero');
  });

  test('a bucket without a figure is a gap in the line, not a zero', () => {
    const g = trendGeometry(
      [
        { at: day(0), value: 1 },
        { at: day(1), value: null },
        { at: day(2), value: 1 },
      ],
      opts,
    );
    assert.equal(g.dots.length, 2);
    assert.equal((g.line.match(/M/g) ?? []).length, 2, 'two segments');
  });

  test('no figures at all: nothing drawn, and no error', () => {
    const g = trendGeometry([{ at: day(0), value: null }], opts);
    assert.deepEqual([g.line, g.area, g.dots.length], ['', '', 0]);
    assert.deepEqual(trendGeometry([], opts).xTicks, []);
  });

  test('all zero: the axis runs from 0 to 1, the line along the bottom', () => {
    const g = trendGeometry([{ at: day(0), value: 0 }, { at: day(1), value: 0 }], opts);
    assert.deepEqual([g.yTicks[0]!.label, g.yTicks.at(-1)!.label], ['0', '1']);
    assert.equal(g.dots[0]!.y, 120 - g.margin.bottom);
  });

  test('one point sits at the left edge (a zero-width domain is widened)', () => {
    const g = trendGeometry([{ at: day(3), value: 5 }], opts);
    assert.equal(g.dots[0]!.x, g.margin.left);
    assert.ok(Number.isFinite(g.dots[0]!.y));
  });
});

describe('stacked bars on one scale', () => {
  test('segments follow each other and the longest row sets the scale', () => {
    const g = stackedBars(
      [
        { label: 'review', segments: [{ key: 'work', value: 2 }, { key: 'wait', value: 6 }] },
        { label: 'deploy', segments: [{ key: 'work', value: 1 }, { key: 'wait', value: 1 }] },
      ],
      { width: 400, format: String },
    );
    const [review, deploy] = g.rows;
    assert.equal(review!.segments[0]!.x, g.labelWidth);
    assert.equal(review!.segments[1]!.x, review!.segments[0]!.x + review!.segments[0]!.width);
    assert.ok(review!.segments[1]!.width > deploy!.segments[1]!.width * 5.9);
    assert.deepEqual([review!.total, deploy!.total], [8, 2]);
    assert.equal(deploy!.y, g.rowHeight);
  });

  test('negative or zero values draw nothing and do not break the scale', () => {
    const g = stackedBars([{ label: 'x', segments: [{ key: 'work', value: -3 }, { key: 'wait', value: 0 }] }], {
      width: 200,
      format: String,
    });
    assert.deepEqual(g.rows[0]!.segments.map((s) => s.width), [0, 0]);
  });
});
