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
