import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addMonths,
  dayKey,
  moveByKey,
  parseDay,
  startOfWeek,
  touchesDay,
  visibleRange,
} from './calendar-dates.js';
import { itemsOf, itemsOnDay, summarise } from './calendar-data.js';
import type { CalendarSlice } from './queries.js';

const day = (s: string): Date => {
  const d = parseDay(s);
  assert.ok(d, s);
  return d;
};

describe('Days are local dates', () => {
  test('a day key round-trips and an impossible date is refused', () => {
    assert.equal(dayKey(day('2026-12-08')), '2026-12-08');
    assert.equal(parseDay('2026-02-30'), null);
    assert.equal(parseDay('December'), null);
  });

  test('a month later keeps the day, clamped to the month end', () => {
    assert.equal(dayKey(addMonths(day('2027-01-31'), 1)), '2027-02-28');
    assert.equal(dayKey(addMonths(day('2026-12-15'), -12)), '2025-12-15');
  });

  test('a week starts on the locale first day', () => {
    assert.equal(dayKey(startOfWeek(day('2026-12-09'), 1)), '2026-12-07'); // Monday
    assert.equal(dayKey(startOfWeek(day('2026-12-09'), 7)), '2026-12-06'); // Sunday
  });
});

describe('A view shows whole weeks around its date', () => {
  test('the month view of December 2026 covers Monday 30 November to Sunday 3 January', () => {
    const range = visibleRange('month', day('2026-12-08'), 1);
    assert.equal(dayKey(range.from), '2026-11-30');
    assert.equal(dayKey(range.to), '2027-01-04');
    assert.equal(range.days.length, 35);
  });

  test('the week view is seven days and the agenda the month itself', () => {
    assert.equal(visibleRange('week', day('2026-12-08'), 1).days.length, 7);
    const agenda = visibleRange('agenda', day('2026-12-08'), 1);
    assert.equal(dayKey(agenda.from), '2026-12-01');
    assert.equal(agenda.days.length, 31);
  });
});

describe('Keys move the focused day', () => {
  const from = day('2026-12-09'); // a Wednesday
  const cases: [string, boolean, string][] = [
    ['ArrowLeft', false, '2026-12-08'],
    ['ArrowRight', false, '2026-12-10'],
    ['ArrowUp', false, '2026-12-02'],
    ['ArrowDown', false, '2026-12-16'],
    ['Home', false, '2026-12-07'],
    ['End', false, '2026-12-13'],
    ['PageUp', false, '2026-11-09'],
    ['PageDown', true, '2027-12-09'],
  ];
  for (const [key, shiftKey, expected] of cases) {
    test(`${shiftKey ? 'Shift+' : ''}${key} goes to ${expected}`, () => {
      const next = moveByKey(key, from, 1, { shiftKey });
      assert.ok(next);
      assert.equal(dayKey(next), expected);
    });
  }

  test('other keys do not move', () => {
    assert.equal(moveByKey('a', from, 1), null);
  });
});

describe('Items sit on the days they touch', () => {
  test('a window over midnight touches both days; an instant only its own', () => {
    const start = new Date(2026, 11, 9, 23);
    const end = new Date(2026, 11, 10, 1);
    assert.ok(touchesDay(start, end, day('2026-12-09')));
    assert.ok(touchesDay(start, end, day('2026-12-10')));
    assert.ok(!touchesDay(start, end, day('2026-12-11')));
    assert.ok(touchesDay(start, start, day('2026-12-09')));
    assert.ok(!touchesDay(start, start, day('2026-12-10')));
  });

  test('conflicts of two windows are one item, worst first, on their overlap', () => {
    const w = (id: string, s: number, e: number) => ({
      id,
      kind: 'MAINTENANCE' as const,
      title: id,
      environment: 'production',
      startsAt: new Date(2026, 11, 9, s).toISOString(),
      endsAt: new Date(2026, 11, 9, e).toISOString(),
      status: 'PLANNED',
      releaseId: null,
      businessUnit: null,
      services: [],
      resources: [],
    });
    const slice: CalendarSlice = {
      windows: [w('a', 10, 14), w('b', 12, 16)],
      freezeOccurrences: [],
      conflicts: [
        { kind: 'ENVIRONMENT', severity: 'INFO', resources: [], first: { id: 'a', title: 'a' }, second: { id: 'b', title: 'b' }, services: [] },
        { kind: 'SHARED_RESOURCE', severity: 'WARNING', resources: ['db'], first: { id: 'a', title: 'a' }, second: { id: 'b', title: 'b' }, services: [] },
      ],
      productionChanges: [],
      vendorReleases: [],
      deployments: [],
      incidents: [],
    };
    const items = itemsOf(slice);
    const a = items.find((i) => i.type === 'window' && i.window.id === 'a');
    assert.equal(a?.type === 'window' ? a.conflict : undefined, 'WARNING');
    const conflict = items.find((i) => i.type === 'conflict');
    assert.equal(conflict?.start.getHours(), 12);
    assert.equal(conflict?.end.getHours(), 14);
    assert.equal(conflict?.type === 'conflict' ? conflict.conflicts[0]?.kind : undefined, 'SHARED_RESOURCE');
    assert.equal(summarise(itemsOnDay(items, day('2026-12-09'))), '1 conflict, 2 windows');
  });

  test('back-to-back occurrences of one freeze are one period', () => {
    const occurrence = (d: number) => ({
      startsAt: new Date(2026, 11, d).toISOString(),
      endsAt: new Date(2026, 11, d + 1).toISOString(),
      freezeId: 'f',
      title: 'Quarter-end close',
      rrule: 'FREQ=MONTHLY',
      status: 'APPROVED',
      freeze: null,
    });
    const items = itemsOf({
      windows: [],
      freezeOccurrences: [occurrence(29), occurrence(30), occurrence(31), occurrence(3)],
      conflicts: [],
      productionChanges: [],
      vendorReleases: [],
      deployments: [],
      incidents: [],
    });
    assert.deepEqual(
      items.map((i) => [dayKey(i.start), dayKey(i.end)]),
      [
        ['2026-12-03', '2026-12-04'],
        ['2026-12-29', '2027-01-01'],
      ],
    );
  });
});
