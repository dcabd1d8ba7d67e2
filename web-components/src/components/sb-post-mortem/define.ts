import { SbPostMortem } from './sb-post-mortem.js';

export const tagName = 'sb-post-mortem';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbPostMortem);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-post-mortem': SbPostMortem;
  }
}
