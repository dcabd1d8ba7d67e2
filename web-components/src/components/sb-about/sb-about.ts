import { html, type CSSResultGroup, type TemplateResult } from 'lit';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { ABOUT_QUERY, type AboutQuery } from './queries.js';
import { styles } from './sb-about.styles.js';

/**
 * Shows which Signalbox the page talks to: the API's name and version.
 *
 * @fires sb-error - The API could not be asked; detail is `{ code, message }`.
 * @csspart container - The box around the content.
 * @csspart name - The API's name.
 * @csspart version - The API's version.
 * @csspart error - The message shown when loading failed.
 */
export class SbAbout extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  readonly #about = new LoadController(this, {
    args: () => [],
    task: async (_, signal) =>
      (await this.client.request<AboutQuery>(ABOUT_QUERY, undefined, { signal })).about,
  });

  protected override render(): TemplateResult {
    const busy = this.#about.state.status === 'loading';
    return html`<div part="container" class="container" aria-busy=${busy ? 'true' : 'false'}>
      ${this.#renderView()}
    </div>`;
  }

  #renderView(): TemplateResult {
    const state = this.#about.state;
    switch (state.status) {
      case 'loading':
        return html`<span class="loading">Loading…</span>`;
      case 'ready':
        return html`<span part="name" class="name">${state.data.name}</span>
          <span part="version" class="version">${state.data.version}</span>`;
      case 'error':
        return renderFailure(state.error, 'what this Signalbox is', () => void this.#about.run());
    }
  }
}
