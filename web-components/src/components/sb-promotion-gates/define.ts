import { SbPromotionGates } from './sb-promotion-gates.js';

export const tagName = 'sb-promotion-gates';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbPromotionGates);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-promotion-gates': SbPromotionGates;
  }
}
