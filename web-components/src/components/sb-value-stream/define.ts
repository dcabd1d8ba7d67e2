import { SbValueStream } from './sb-value-stream.js';

export const tagName = 'sb-value-stream';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbValueStream);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-value-stream': SbValueStream;
  }
}
