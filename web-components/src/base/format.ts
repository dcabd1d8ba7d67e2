import { localeOf } from './view-state.js';

export function formatDateTime(element: Element, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(element), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function formatNumber(element: Element, value: number, digits = 1): string {
  return new Intl.NumberFormat(localeOf(element), { maximumFractionDigits: digits }).format(value);
}

/** `SECURITY_SCAN` or `waivedStatus` → `Security scan`, `Waived status`. */
export function humanize(value: string): string {
  const words = value.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** 90 s → `1.5 min`; 5 h → `5 h`; 3 days → `3 days`; null → `—`. */
export function formatDuration(seconds: number | null, num: (value: number) => string): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 3600) return `${num(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${num(seconds / 3600)} h`;
  return `${num(seconds / 86400)} days`;
}

