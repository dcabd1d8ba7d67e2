import { SbGoNoGo } from './sb-go-no-go.js';

export const tagName = 'sb-go-no-go';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbGoNoGo);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-go-no-go': SbGoNoGo;
  }
}
