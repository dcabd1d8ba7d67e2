import { html, nothing, type TemplateResult } from 'lit';
import type { SignalboxError } from '../data/errors.js';

/** Codes that mean "not for you" rather than "broken": shown as permission denied. */
export function isDenied(error: SignalboxError): boolean {
  return error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND' || error.code === 'UNAUTHENTICATED';
}

/** A sentence saying what happened, for people; the code stays available for hosts. */
export function describeError(error: SignalboxError, what: string): string {
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return `You are not signed in, so ${what} cannot be shown.`;
    case 'FORBIDDEN':
      return `You do not have permission to see ${what}.`;
    case 'NOT_FOUND':
      return `${capitalise(what)} was not found, or is not yours to see.`;
    case 'NOT_CONFIGURED':
      return error.message;
    case 'NETWORK_ERROR':
      return `Signalbox could not be reached, so ${what} cannot be shown.`;
    case 'UNAVAILABLE':
    case 'DEADLINE_EXCEEDED':
      return `Signalbox is busy or unavailable; ${what} could not be loaded. Try again shortly.`;
    default:
      return `${capitalise(what)} could not be loaded: ${error.message}`;
  }
}

/**
 * The error state every data component shows: what happened in a sentence, the code for hosts
 * (`data-code`), and *Try again* unless trying again cannot help (denied, not configured).
 */
export function renderFailure(
  error: SignalboxError,
  what: string,
  retry: () => void,
  /** What the person may do about a denial (who to ask), said after the sentence. */
  deniedHint?: string,
): TemplateResult {
  const hint = deniedHint && isDenied(error) && error.code !== 'UNAUTHENTICATED' ? ` ${deniedHint}` : '';
  return html`<div part="error" class="error" role="alert" data-code=${error.code}>
    <p>${describeError(error, what)}${hint}</p>
    ${isDenied(error) || error.code === 'NOT_CONFIGURED'
      ? nothing
      : html`<button part="button" type="button" @click=${retry}>Try again</button>`}
  </div>`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The locale to format in: the page's language (the nearest `lang`), made as
 * specific as the browser's locale when both speak the same language (a page
 * in `en` read by an `en-GB` browser formats British dates). No `lang`: the
 * browser's locale.
 */
export function localeOf(element: Element): string | undefined {
  const browser = navigator.language || undefined;
  const lang = element.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
  if (!lang) {
    return browser;
  }
  try {
    const page = new Intl.Locale(lang);
    if (browser && new Intl.Locale(browser).language === page.language && !page.region) {
      return browser;
    }
    return page.toString();
  } catch {
    return browser;
  }
}

/** Human words for an enum value: `SHARED_RESOURCE` → `shared resource`. */
export function humanise(value: string): string {
  return value.toLowerCase().replace(/[_.-]+/g, ' ');
}
