import { SbReleaseCalendar } from './sb-release-calendar.js';

export const tagName = 'sb-release-calendar';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbReleaseCalendar);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-release-calendar': SbReleaseCalendar;
  }
}
