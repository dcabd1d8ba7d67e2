import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { formatDateTime, formatNumber, humanize } from '../../base/format.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { SignalboxError } from '../../data/errors.js';
import { RISK_QUERY, type RiskAssessment, type RiskQuery } from './queries.js';
import { styles } from './sb-risk-badge.styles.js';

/** The release's title and its assessment; no assessment: never assessed (the empty state). */
interface Risk {
  readonly title: string;
  readonly assessment: RiskAssessment | null;
}

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
 * @csspart message - The loading message.
 * @csspart empty - The "not assessed" placeholder shown before any assessment.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbRiskBadge extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'release-id' }) releaseId: string | null | undefined;
  @property({ type: Boolean, reflect: true }) open = false;

  readonly #panelId = `sb-risk-explanation-${++nextId}`;

  readonly #risk = new LoadController(this, {
    args: () => [this.releaseId] as const,
    task: ([releaseId], signal) => this.#fetch(releaseId, signal),
  });

  protected override render(): TemplateResult {
    const state = this.#risk.state;
    switch (state.status) {
      case 'loading':
        return html`<span part="message" class="message" role="status" aria-busy="true">Loading risk…</span>`;
      case 'error':
        return renderFailure(state.error, "this release's risk", () => void this.#risk.run());
      case 'ready':
        return state.data.assessment
          ? this.#renderBadge(state.data.title, state.data.assessment)
          : this.#renderUnassessed();
    }
  }


  /** The designed empty state: a badge-shaped placeholder that says what is missing and why. */
  #renderUnassessed(): TemplateResult {
    return html`<span part="empty" class="unassessed" role="status">
      <span class="level">Not assessed</span>
      <span class="why">No risk assessment has been made for this release yet.</span>
    </span>`;
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

  async #fetch(releaseId: string | null | undefined, signal: AbortSignal): Promise<Risk> {
    if (!releaseId) {
      throw new SignalboxError('NOT_CONFIGURED', '<sb-risk-badge> needs a release-id.');
    }
    const { node } = await this.client.request<RiskQuery>(RISK_QUERY, { id: releaseId }, { signal });
    if (node?.__typename !== 'Release') {
      throw new SignalboxError('NOT_FOUND', 'Release was not found.');
    }
    return { title: node.title ?? '', assessment: node.riskAssessment ?? null };
  }
}
