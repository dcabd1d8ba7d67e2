import { SbGuardrails } from './sb-guardrails.js';

export const tagName = 'sb-guardrails';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbGuardrails);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-guardrails': SbGuardrails;
  }
}
