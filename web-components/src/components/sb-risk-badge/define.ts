import { SbRiskBadge } from './sb-risk-badge.js';

export const tagName = 'sb-risk-badge';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbRiskBadge);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-risk-badge': SbRiskBadge;
  }
}
