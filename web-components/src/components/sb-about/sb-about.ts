import { html, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { SbElement } from '../../base/sb-element.js';
import type { SbErrorDetail } from '../../base/events.js';
import { SignalboxError } from '../../data/errors.js';
import { styles } from './sb-about.styles.js';

export const ABOUT_QUERY = 'query SbAbout { about { name version } }';

export interface AboutQuery {
  readonly about: {
    readonly name: string;
    readonly version: string;
  };
}

type View =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly about: AboutQuery['about'] }
  | { readonly status: 'error'; readonly error: SignalboxError };

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

  @state()
  private view: View = { status: 'loading' };

  #abort: AbortController | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // A load cut short by disconnection starts again when the element comes back.
    if (this.hasUpdated && this.view.status === 'loading' && this.#abort === undefined) {
      void this.#load();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
    this.#abort = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('apiUrl') || changed.has('tokenProvider')) {
      void this.#load();
    }
  }

  protected override render(): TemplateResult {
    const busy = this.view.status === 'loading';
    return html`<div part="container" class="container" aria-busy=${busy ? 'true' : 'false'}>
      ${this.#renderView()}
    </div>`;
  }

  #renderView(): TemplateResult {
    switch (this.view.status) {
      case 'loading':
        return html`<span class="loading">Loading…</span>`;
      case 'ready':
        return html`<span part="name" class="name">${this.view.about.name}</span>
          <span part="version" class="version">${this.view.about.version}</span>`;
      case 'error':
        return html`<span part="error" class="error" role="alert">${this.view.error.message}</span>`;
    }
  }

  async #load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.view = { status: 'loading' };
    try {
      const data = await this.client.request<AboutQuery>(ABOUT_QUERY, undefined, {
        signal: abort.signal,
      });
      if (!abort.signal.aborted) {
        this.view = { status: 'ready', about: data.about };
      }
    } catch (error) {
      // An aborted load was superseded or its element left the page: nothing to show.
      if (abort.signal.aborted) {
        return;
      }
      const failure =
        error instanceof SignalboxError
          ? error
          : new SignalboxError('UNKNOWN', 'Something went wrong.', { cause: error });
      this.view = { status: 'error', error: failure };
      this.emit<SbErrorDetail>('sb-error', { code: failure.code, message: failure.message });
    } finally {
      if (this.#abort === abort) {
        this.#abort = undefined;
      }
    }
  }
}
