import type { SignalboxErrorCode } from '../data/errors.js';

/** Every component event is named `sb-…`. */
export type SbEventName = `sb-${string}`;

/**
 * Detail of `sb-error`, fired when a component fails to load its data, so a host
 * can react once for all components (e.g. sign in again on UNAUTHENTICATED).
 */
export interface SbErrorDetail {
  readonly code: SignalboxErrorCode;
  readonly message: string;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-error': CustomEvent<SbErrorDetail>;
  }
}

/**
 * The detail of every `sb-*` event, read from the declarations each component adds to
 * `GlobalEventHandlersEventMap`: an event is declared once and emitted and heard with one type.
 */
export type SbEventMap = {
  [K in keyof GlobalEventHandlersEventMap as K extends SbEventName ? K : never]: GlobalEventHandlersEventMap[K] extends CustomEvent<
    infer D
  >
    ? D
    : never;
};

export type SbEmitInit = Omit<CustomEventInit, 'detail' | 'bubbles' | 'composed'>;

/** Dispatches an `sb-*` event that bubbles and crosses shadow roots, so any ancestor of `target` can listen. */
export function emit<K extends keyof SbEventMap>(
  target: EventTarget,
  name: K,
  detail: SbEventMap[K],
  init: SbEmitInit = {},
): CustomEvent<SbEventMap[K]> {
  const event = new CustomEvent<SbEventMap[K]>(name, { ...init, detail, bubbles: true, composed: true });
  target.dispatchEvent(event);
  return event;
}
