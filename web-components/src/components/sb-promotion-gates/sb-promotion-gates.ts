import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { formatDateTime, humanize } from '../../base/format.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { SignalboxError } from '../../data/errors.js';
import {
  DECISION_QUERY,
  type DecisionQuery,
  type GateStatus,
  type PromotionDecision,
  type PromotionGate,
} from './queries.js';
import { styles } from './sb-promotion-gates.styles.js';

/** Detail of `sb-gate-selected`. */
export interface SbGateSelectedDetail {
  readonly gate: string;
  readonly status: GateStatus;
  readonly reason: string;
  readonly evidence: unknown;
}

const STATUS_LABEL: Record<GateStatus, string> = {
  PASSED: 'Passed',
  FAILED: 'Failed',
  PENDING: 'Pending',
  WAIVED: 'Waived',
};

const VERDICT = ['Allowed', 'Refused', 'Waiting'] as const;

/** Links found in a gate's evidence: any http(s) string value, named by its key. */
export function evidenceLinks(evidence: unknown, key = 'evidence'): Array<{ label: string; href: string }> {
  if (typeof evidence === 'string') {
    return /^https?:\/\//.test(evidence) ? [{ label: humanize(key), href: evidence }] : [];
  }
  if (Array.isArray(evidence)) {
    return evidence.flatMap((item) => evidenceLinks(item, key));
  }
  if (evidence && typeof evidence === 'object') {
    return Object.entries(evidence).flatMap(([k, v]) => evidenceLinks(v, k));
  }
  return [];
}

/** Plain facts of a gate's evidence (scalars at the top level), for a short list. */
function evidenceFacts(evidence: unknown): Array<[string, string]> {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return [];
  return Object.entries(evidence)
    // Ids mean nothing to a reader; links are listed apart.
    .filter(([k]) => !/(^id|Id|_id)$/.test(k))
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v) && !/^https?:\/\//.test(String(v)))
    .slice(0, 6)
    .map(([k, v]) => [humanize(k), String(v)]);
}

/**
 * The promotion decision for an artifact version of a service going to an environment: the
 * verdict, and every gate with its status, the reason in words and its evidence. A gate waived
 * by an emergency bypass says so, with the bypass.
 *
 * @attr service-id - The Service's global id.
 * @attr environment-id - The target Environment's global id.
 * @attr version - The artifact version.
 * @attr release-id - Optional: the Release the promotion belongs to.
 * @fires sb-gate-selected - A gate was clicked or chosen with Enter/Space; detail `{ gate, status, reason, evidence }`.
 * @fires sb-error - The decision could not be loaded; detail `{ code, message }`.
 * @csspart container - The whole component.
 * @csspart verdict - The verdict and summary.
 * @csspart gates - The list of gates.
 * @csspart gate - One gate's button (also `gate-passed`, `gate-failed`, `gate-pending`, `gate-waived`).
 * @csspart status - A gate's status badge.
 * @csspart waiver - The bypass that waived a gate.
 * @csspart evidence - A gate's evidence.
 * @csspart message - The loading and empty messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbPromotionGates extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'service-id' }) serviceId: string | null | undefined;
  @property({ attribute: 'environment-id' }) environmentId: string | null | undefined;
  @property() version: string | null | undefined;
  @property({ attribute: 'release-id' }) releaseId: string | null | undefined;

  readonly #decision = new LoadController(this, {
    args: () => [this.serviceId, this.environmentId, this.version, this.releaseId] as const,
    task: (args, signal) => this.#ask(args, signal),
  });

  /** Asks again (e.g. after new evidence arrived). */
  refresh(): Promise<void> {
    return this.#decision.run();
  }

  protected override render(): TemplateResult {
    return html`<section part="container" class="container" aria-label="Promotion gates"
      aria-busy=${this.#decision.state.status === 'loading' ? 'true' : 'false'}>
      ${this.#renderView()}
    </section>`;
  }

  #renderView(): TemplateResult {
    const state = this.#decision.state;
    switch (state.status) {
      case 'loading':
        return html`<p part="message" class="message" role="status">Asking whether this may be promoted…</p>`;
      case 'error':
        return renderFailure(state.error, 'the promotion decision', () => void this.refresh());
      case 'ready':
        return this.#renderDecision(state.data);
    }
  }


  #renderDecision(decision: PromotionDecision): TemplateResult {
    const verdict = VERDICT[decision.exitCode] ?? (decision.allowed ? 'Allowed' : 'Refused');
    return html`
      <div part="verdict" class="verdict verdict-${verdict.toLowerCase()}" role="status">
        <strong>${verdict}</strong>
        <span class="summary">${decision.summary}</span>
        ${decision.riskLevel ? html`<span class="risk">Risk: ${humanize(decision.riskLevel)}</span>` : nothing}
      </div>
      ${decision.gates.length
        ? html`<ul part="gates" class="gates" aria-label="Gates">
            ${decision.gates.map((g) => this.#renderGate(g))}
          </ul>`
        : html`<p part="message" class="message empty">No gate applies to this promotion.</p>`}
    `;
  }

  #renderGate(gate: PromotionGate): TemplateResult {
    const status = gate.status.toLowerCase();
    const links = evidenceLinks(gate.evidence);
    const facts = evidenceFacts(gate.evidence);
    return html`<li class="gate-item" data-gate=${gate.gate} data-status=${gate.status}>
      <button type="button" part="gate gate-${status}" class="gate gate-${status}"
        @click=${() => this.#select(gate)}>
        <span class="gate-name">${humanize(gate.gate)}</span>
        <span part="status" class="status status-${status}">${STATUS_LABEL[gate.status]}</span>
        <span class="reason">${gate.reason}</span>
      </button>
      ${gate.waivedBy
        ? html`<p part="waiver" class="waiver">
            Waived by emergency bypass ${gate.waivedBy.incidentReference
              ? html`for <strong>${gate.waivedBy.incidentReference}</strong>`
              : nothing}:
            ${gate.waivedBy.justification}
            ${gate.waivedBy.expiresAt
              ? html`(until ${formatDateTime(this, gate.waivedBy.expiresAt)})`
              : nothing}
          </p>`
        : nothing}
      ${links.length || facts.length
        ? html`<div part="evidence" class="evidence">
            ${facts.map(([k, v]) => html`<span class="fact">${k}: ${v}</span>`)}
            ${links.map(
              (l) => html`<a href=${l.href} target="_blank" rel="noopener noreferrer">${l.label}</a>`,
            )}
          </div>`
        : nothing}
    </li>`;
  }

  #select(gate: PromotionGate): void {
    this.emit('sb-gate-selected', {
      gate: gate.gate,
      status: gate.status,
      reason: gate.reason,
      evidence: gate.evidence,
    });
  }

  async #ask(
    [serviceId, environmentId, version, releaseId]: readonly (string | null | undefined)[],
    signal: AbortSignal,
  ): Promise<PromotionDecision> {
    if (!serviceId || !environmentId || !version) {
      throw new SignalboxError(
        'NOT_CONFIGURED',
        '<sb-promotion-gates> needs service-id, environment-id and version.',
      );
    }
    const input: Record<string, unknown> = { serviceId, environmentId, artifactVersion: version };
    if (releaseId) input['releaseId'] = releaseId;
    const data = await this.client.request<DecisionQuery>(DECISION_QUERY, { input }, { signal });
    return data.promotionDecision;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-gate-selected': CustomEvent<SbGateSelectedDetail>;
  }
}
