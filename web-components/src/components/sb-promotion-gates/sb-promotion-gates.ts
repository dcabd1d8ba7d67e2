import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { SbElement } from '../../base/sb-element.js';
import type { SbErrorDetail } from '../../base/events.js';
import { SignalboxError } from '../../data/errors.js';
import { asSignalboxError, failureOf, formatDateTime, humanize, type Failure } from '../../base/format.js';
import { styles } from './sb-promotion-gates.styles.js';

export type GateStatus = 'PASSED' | 'FAILED' | 'PENDING' | 'WAIVED';

export interface PromotionGate {
  readonly gate: string;
  readonly status: GateStatus;
  readonly reason: string;
  readonly evidence: unknown;
  readonly waivedBy: {
    readonly id: string;
    readonly justification: string;
    readonly incidentReference: string;
    readonly expiresAt: string | null;
  } | null;
}

export interface PromotionDecision {
  readonly allowed: boolean;
  readonly exitCode: number;
  readonly summary: string;
  readonly riskLevel: string | null;
  readonly gates: readonly PromotionGate[];
}

export const DECISION_QUERY = `query SbPromotionGates($input: PromotionAskInput!) {
  promotionDecision(input: $input) {
    allowed exitCode summary riskLevel
    gates { gate status reason evidence waivedBy { id justification incidentReference expiresAt } }
  }
}`;

/** Detail of `sb-gate-selected`. */
export interface SbGateSelectedDetail {
  readonly gate: string;
  readonly status: GateStatus;
  readonly reason: string;
  readonly evidence: unknown;
}

type View =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly decision: PromotionDecision }
  | Failure;

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
 * @csspart message - The loading, empty, error, not-found and permission-denied messages.
 */
export class SbPromotionGates extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'service-id' }) serviceId: string | null | undefined;
  @property({ attribute: 'environment-id' }) environmentId: string | null | undefined;
  @property() version: string | null | undefined;
  @property({ attribute: 'release-id' }) releaseId: string | null | undefined;

  @state() private view: View = { status: 'loading' };

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
    const inputs = ['apiUrl', 'tokenProvider', 'serviceId', 'environmentId', 'version', 'releaseId'];
    if (!this.hasUpdated || inputs.some((name) => changed.has(name as keyof SbPromotionGates))) {
      void this.#load();
    }
  }

  /** Asks again (e.g. after new evidence arrived). */
  refresh(): Promise<void> {
    return this.#load();
  }

  protected override render(): TemplateResult {
    return html`<section part="container" class="container" aria-label="Promotion gates"
      aria-busy=${this.view.status === 'loading' ? 'true' : 'false'}>
      ${this.#renderView()}
    </section>`;
  }

  #renderView(): TemplateResult {
    const view = this.view;
    switch (view.status) {
      case 'loading':
        return html`<p part="message" class="message" role="status">Asking whether this may be promoted…</p>`;
      case 'not-found':
        return html`<p part="message" class="message" role="status">
          The service, environment or release was not found, or you may not see it.
        </p>`;
      case 'denied':
        return html`<div part="message" class="message denied" role="alert">
          <strong>Permission denied.</strong> ${view.error.message}
        </div>`;
      case 'error':
        return html`<div part="message" class="message error" role="alert">
          <strong>The promotion decision could not be loaded.</strong> ${view.error.message}
          <button type="button" class="retry" @click=${() => void this.#load()}>Try again</button>
        </div>`;
      case 'ready':
        return this.#renderDecision(view.decision);
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
    this.emit<SbGateSelectedDetail>('sb-gate-selected', {
      gate: gate.gate,
      status: gate.status,
      reason: gate.reason,
      evidence: gate.evidence,
    });
  }

  async #load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.view = { status: 'loading' };
    try {
      if (!this.serviceId || !this.environmentId || !this.version) {
        throw new SignalboxError(
          'NOT_CONFIGURED',
          '<sb-promotion-gates> needs service-id, environment-id and version.',
        );
      }
      const input: Record<string, unknown> = {
        serviceId: this.serviceId,
        environmentId: this.environmentId,
        artifactVersion: this.version,
      };
      if (this.releaseId) input['releaseId'] = this.releaseId;
      const data = await this.client.request<{ promotionDecision: PromotionDecision }>(
        DECISION_QUERY,
        { input },
        { signal: abort.signal },
      );
      if (!abort.signal.aborted) {
        this.view = { status: 'ready', decision: data.promotionDecision };
      }
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

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-gate-selected': CustomEvent<SbGateSelectedDetail>;
  }
}
