import { LitElement, type CSSResultGroup } from 'lit';
import { property } from 'lit/decorators.js';
import { SignalboxClient, type TokenProvider } from '../data/client.js';
import { SignalboxError } from '../data/errors.js';
import { states } from '../styles/states.js';
import { tokens } from '../styles/tokens.js';
import { emit, type SbEmitInit, type SbEventMap } from './events.js';

/** Base of every Signalbox component: the embedding contract lives here. */
export class SbElement extends LitElement {
  static override styles: CSSResultGroup = [tokens, states];

  /** The API's GraphQL endpoint. */
  @property({ attribute: 'api-url' })
  apiUrl: string | null | undefined;

  /**
   * Set by the host portal, per element, never read from a global: the page
   * decides who the user is and components only ask for the token.
   */
  @property({ attribute: false })
  tokenProvider: TokenProvider | undefined;

  #client: SignalboxClient | undefined;

  /**
   * The client for the current `api-url`. It asks `tokenProvider` on every
   * request, so swapping the provider needs no new client.
   */
  protected get client(): SignalboxClient {
    const apiUrl = this.apiUrl;
    if (!apiUrl) {
      throw new SignalboxError('NOT_CONFIGURED', `<${this.localName}> needs an api-url attribute.`);
    }
    if (this.#client?.apiUrl !== apiUrl) {
      this.#client = new SignalboxClient({
        apiUrl,
        tokenProvider: () => this.tokenProvider?.(),
      });
    }
    return this.#client;
  }

  /** Dispatches an event that bubbles and crosses shadow roots, so any ancestor of the host can listen. */
  protected emit<K extends keyof SbEventMap>(
    name: K,
    detail: SbEventMap[K],
    init: SbEmitInit = {},
  ): CustomEvent<SbEventMap[K]> {
    return emit(this, name, detail, init);
  }
}
