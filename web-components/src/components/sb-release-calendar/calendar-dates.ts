/**
 * Calendar arithmetic on local days, as plain functions: a day is a Date at
 * local midnight and a `DayKey` is its `YYYY-MM-DD`. Everything is shown in
 * the page's time zone, so day boundaries are the viewer's midnights.
 */

export type CalendarView = 'month' | 'week' | 'agenda';
export const VIEWS: readonly CalendarView[] = ['month', 'week', 'agenda'];

export type DayKey = string;

/** ISO weekday: 1 Monday … 7 Sunday (as Intl.Locale weekInfo gives it). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export function isView(value: unknown): value is CalendarView {
  return typeof value === 'string' && (VIEWS as readonly string[]).includes(value);
}

/** Local midnight of the day `d` falls on. */
export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

export function dayKey(d: Date): DayKey {
  const y = String(d.getFullYear()).padStart(4, '0');
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/** `YYYY-MM-DD` (or any ISO date-time, whose date part is used) as a local day; null if invalid. */
export function parseDay(value: string | null | undefined): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '');
  if (!match) {
    return null;
  }
  const [, y, m, d] = match;
  const day = new Date(Number(y), Number(m) - 1, Number(d));
  return day.getMonth() === Number(m) - 1 ? day : null;
}

/** Calendar days later (DST-safe: moves the date, not 24-hour steps). */
export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** The same day of a later month, clamped to that month's last day (31 Jan + 1 → 28/29 Feb). */
export function addMonths(d: Date, n: number): Date {
  const first = new Date(d.getFullYear(), d.getMonth() + n, 1);
  const last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
  return new Date(first.getFullYear(), first.getMonth(), Math.min(d.getDate(), last));
}

export function sameDay(a: Date, b: Date): boolean {
  return dayKey(a) === dayKey(b);
}

/** ISO weekday of a date (1 Monday … 7 Sunday). */
export function isoWeekday(d: Date): IsoWeekday {
  return (((d.getDay() + 6) % 7) + 1) as IsoWeekday;
}

/** The first day of the week `d` is in, for weeks starting on `firstDay`. */
export function startOfWeek(d: Date, firstDay: IsoWeekday): Date {
  const back = (isoWeekday(d) - firstDay + 7) % 7;
  return addDays(startOfDay(d), -back);
}

/** The locale's first day of the week (Intl.Locale weekInfo where the browser has it), else Monday. */
export function firstDayOfWeek(locale: string | undefined): IsoWeekday {
  try {
    const loc = new Intl.Locale(locale ?? new Intl.DateTimeFormat().resolvedOptions().locale) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = loc.getWeekInfo?.() ?? loc.weekInfo;
    const first = info?.firstDay;
    if (typeof first === 'number' && first >= 1 && first <= 7) {
      return first as IsoWeekday;
    }
  } catch {
    // An unknown locale: Monday, the ISO default.
  }
  return 1;
}

export interface VisibleRange {
  /** First visible day (local midnight). */
  readonly from: Date;
  /** The day after the last visible day (exclusive). */
  readonly to: Date;
  /** Every visible day, in order; for month and week views whole weeks. */
  readonly days: readonly Date[];
}

/**
 * The days a view shows around `date`: the month's whole weeks, the week, or
 * (agenda) the month's days themselves.
 */
export function visibleRange(view: CalendarView, date: Date, firstDay: IsoWeekday): VisibleRange {
  let from: Date;
  let to: Date;
  if (view === 'week') {
    from = startOfWeek(date, firstDay);
    to = addDays(from, 7);
  } else {
    const monthStart = new Date(date.getFullYear(), date.getMonth(), 1);
    const monthEnd = new Date(date.getFullYear(), date.getMonth() + 1, 1);
    if (view === 'agenda') {
      from = monthStart;
      to = monthEnd;
    } else {
      from = startOfWeek(monthStart, firstDay);
      to = addDays(startOfWeek(addDays(monthEnd, -1), firstDay), 7);
    }
  }
  const days: Date[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) {
    days.push(d);
  }
  return { from, to, days };
}

/** Split days into rows of seven. */
export function weeks(days: readonly Date[]): Date[][] {
  const rows: Date[][] = [];
  for (let i = 0; i < days.length; i += 7) {
    rows.push(days.slice(i, i + 7));
  }
  return rows;
}

/**
 * Whether [start, end) touches the local day `day`. An instant (start ==
 * end, e.g. a deployment) belongs to the day it happened on.
 */
export function touchesDay(start: Date, end: Date, day: Date): boolean {
  const dayStart = startOfDay(day).getTime();
  const dayEnd = addDays(day, 1).getTime();
  const s = start.getTime();
  const e = end.getTime();
  if (e <= s) {
    return s >= dayStart && s < dayEnd;
  }
  return s < dayEnd && e > dayStart;
}

/** Where keyboard focus goes on a date grid for a key, or null if the key is not a move. */
export function moveByKey(
  key: string,
  focused: Date,
  firstDay: IsoWeekday,
  modifiers: { readonly shiftKey?: boolean } = {},
): Date | null {
  switch (key) {
    case 'ArrowLeft':
      return addDays(focused, -1);
    case 'ArrowRight':
      return addDays(focused, 1);
    case 'ArrowUp':
      return addDays(focused, -7);
    case 'ArrowDown':
      return addDays(focused, 7);
    case 'Home':
      return startOfWeek(focused, firstDay);
    case 'End':
      return addDays(startOfWeek(focused, firstDay), 6);
    case 'PageUp':
      return addMonths(focused, modifiers.shiftKey ? -12 : -1);
    case 'PageDown':
      return addMonths(focused, modifiers.shiftKey ? 12 : 1);
    default:
      return null;
  }
}
