import { SignalboxError } from '../data/errors.js';

/**
 * The locale dates and numbers are written in: the nearest `lang` attribute around the
 * element (the host page's choice), else the browser's language.
 */
export function localeOf(element: Element): string | undefined {
  const lang = element.closest('[lang]')?.getAttribute('lang');
  return lang || globalThis.navigator?.language || undefined;
}

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

/** Any thrown value as the one error type components show. */
export function asSignalboxError(error: unknown): SignalboxError {
  return error instanceof SignalboxError
    ? error
    : new SignalboxError('UNKNOWN', 'Something went wrong.', { cause: error });
}

/** The states every data component shows besides its content. */
export type Failure =
  | { readonly status: 'error'; readonly error: SignalboxError }
  | { readonly status: 'denied'; readonly error: SignalboxError }
  | { readonly status: 'not-found'; readonly error: SignalboxError };

/** FORBIDDEN is a permission-denied state, NOT_FOUND its own; everything else an error. */
export function failureOf(error: SignalboxError): Failure {
  switch (error.code) {
    case 'FORBIDDEN':
      return { status: 'denied', error };
    case 'NOT_FOUND':
      return { status: 'not-found', error };
    default:
      return { status: 'error', error };
  }
}
