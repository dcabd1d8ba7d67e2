import { SbTrainBoard } from './sb-train-board.js';

export const tagName = 'sb-train-board';

// Guarded so a page that loads the bundle twice does not throw.
if (!customElements.get(tagName)) {
  customElements.define(tagName, SbTrainBoard);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-train-board': SbTrainBoard;
  }
}
