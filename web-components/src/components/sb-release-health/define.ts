import { SbReleaseHealth } from './sb-release-health.js';

export const tagName = 'sb-release-health';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbReleaseHealth);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-release-health': SbReleaseHealth;
  }
}
