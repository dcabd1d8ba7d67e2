import { SbDoraMetrics } from './sb-dora-metrics.js';

export const tagName = 'sb-dora-metrics';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbDoraMetrics);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-dora-metrics': SbDoraMetrics;
  }
}
