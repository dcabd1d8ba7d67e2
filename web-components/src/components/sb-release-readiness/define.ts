import { SbReleaseReadiness } from './sb-release-readiness.js';

export const tagName = 'sb-release-readiness';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbReleaseReadiness);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-release-readiness': SbReleaseReadiness;
  }
}
