import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { SbElement } from '../../base/sb-element.js';
import type { SbErrorDetail } from '../../base/events.js';
import { SignalboxError } from '../../data/errors.js';
import {
  asSignalboxError,
  failureOf,
  formatDateTime,
  formatNumber,
  humanize,
  type Failure,
} from '../../base/format.js';
import { styles } from './sb-risk-badge.styles.js';

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface RiskContribution {
  readonly factor: string;
  readonly group: string;
  readonly input: number;
  readonly weight: number;
  readonly points: number;
  readonly explanation: string;
}

export interface RiskAssessment {
  readonly level: RiskLevel;
  readonly score: number;
  readonly assessedAt: string;
  readonly modelVersion: number;
  readonly contributions: readonly RiskContribution[];
}

export const RISK_QUERY = `query SbRiskBadge($id: ID!) {
  node(id: $id) {
    __typename
    ... on Release {
      id title
      riskAssessment {
        level score assessedAt modelVersion
        contributions { factor group input weight points explanation }
      }
    }
  }
}`;

interface RiskQuery {
  readonly node: {
    readonly __typename: string;
    readonly title?: string;
    readonly riskAssessment?: RiskAssessment | null;
  } | null;
}

type View =
  | { readonly status: 'loading' }
  | { readonly status: 'empty'; readonly title: string }
  | { readonly status: 'ready'; readonly title: string; readonly assessment: RiskAssessment }
  | Failure;

let nextId = 0;

/**
 * A release's risk level as a badge, with its explanation on demand: a disclosure button opens
 * the score's factors, each with its points and the sentence that explains it.
 *
 * @attr release-id - The Release's global id.
 * @attr open - Reflects whether the explanation is shown.
 * @fires sb-error - The assessment could not be loaded; detail `{ code, message }`.
 * @csspart badge - The disclosure button showing level and score (also `badge-low`, `badge-medium`, `badge-high`, `badge-critical`).
 * @csspart explanation - The panel with the contributions.
 * @csspart contribution - One factor's contribution.
 * @csspart message - The loading, empty, error, not-found and permission-denied messages.
 */
export class SbRiskBadge extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'release-id' }) releaseId: string | null | undefined;
  @property({ type: Boolean, reflect: true }) open = false;

  @state() private view: View = { status: 'loading' };

  readonly #panelId = `sb-risk-explanation-${++nextId}`;
  #abort: AbortController | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
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
    if (
      !this.hasUpdated ||
      changed.has('apiUrl') ||
      changed.has('tokenProvider') ||
      changed.has('releaseId')
    ) {
      void this.#load();
    }
  }

  protected override render(): TemplateResult {
    const view = this.view;
    switch (view.status) {
      case 'loading':
        return html`<span part="message" class="message" role="status" aria-busy="true">Loading risk…</span>`;
      case 'empty':
        return html`<span part="message" class="message empty" role="status">Risk not assessed yet</span>`;
      case 'not-found':
        return html`<span part="message" class="message" role="status">Release not found</span>`;
      case 'denied':
        return html`<span part="message" class="message denied" role="alert">
          Permission denied: ${view.error.message}
        </span>`;
      case 'error':
        return html`<span part="message" class="message error" role="alert">
          Risk could not be loaded: ${view.error.message}
        </span>`;
      case 'ready':
        return this.#renderBadge(view.title, view.assessment);
    }
  }

  #renderBadge(title: string, assessment: RiskAssessment): TemplateResult {
    const level = assessment.level.toLowerCase();
    const contributions = [...assessment.contributions].sort((a, b) => b.points - a.points);
    const scoring = contributions.filter((c) => c.points !== 0);
    const zero = contributions.length - scoring.length;
    return html`<button type="button" part="badge badge-${level}" class="badge badge-${level}"
        aria-expanded=${this.open ? 'true' : 'false'} aria-controls=${this.#panelId}
        @click=${() => (this.open = !this.open)}>
        <span class="level">${humanize(assessment.level)} risk</span>
        <span class="score">${formatNumber(this, assessment.score)} points</span>
        <span class="visually-hidden">${this.open ? 'hide' : 'show'} why, for ${title}</span>
      </button>
      <div part="explanation" class="explanation" id=${this.#panelId} ?hidden=${!this.open}>
        <p class="assessed">
          Assessed ${formatDateTime(this, assessment.assessedAt)} (risk model v${assessment.modelVersion})
        </p>
        <ul class="contributions">
          ${scoring.map(
            (c) => html`<li part="contribution" class="contribution" data-factor=${c.factor}>
              <span class="points">+${formatNumber(this, c.points)}</span>
              <span class="explanation-text">${c.explanation}</span>
            </li>`,
          )}
        </ul>
        ${zero ? html`<p class="zero">${zero} other factors added no points.</p>` : nothing}
      </div>`;
  }

  async #load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.view = { status: 'loading' };
    try {
      if (!this.releaseId) {
        throw new SignalboxError('NOT_CONFIGURED', '<sb-risk-badge> needs a release-id.');
      }
      const data = await this.client.request<RiskQuery>(
        RISK_QUERY,
        { id: this.releaseId },
        { signal: abort.signal },
      );
      if (abort.signal.aborted) return;
      const node = data.node;
      if (node?.__typename !== 'Release') {
        throw new SignalboxError('NOT_FOUND', 'Release was not found.');
      }
      const title = node.title ?? '';
      this.view = node.riskAssessment
        ? { status: 'ready', title, assessment: node.riskAssessment }
        : { status: 'empty', title };
    } catch (error) {
      if (abort.signal.aborted) return;
      const failure = asSignalboxError(error);
      this.view = failureOf(failure);
      this.emit<SbErrorDetail>('sb-error', { code: failure.code, message: failure.message });
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
  }
}
