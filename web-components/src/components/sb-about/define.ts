import { SbAbout } from './sb-about.js';

export const tagName = 'sb-about';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbAbout);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-about': SbAbout;
  }
}
