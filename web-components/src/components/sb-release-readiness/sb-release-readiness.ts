import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { formatDateTime, humanize } from '../../base/format.js';
import { LiveController } from '../../base/live-controller.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { SignalboxError, asSignalboxError } from '../../data/errors.js';
import { evidenceLinks } from '../sb-promotion-gates/sb-promotion-gates.js';
import {
  BOARD_CHANGED,
  DEPARTURE_READINESS_QUERY,
  RELEASE_READINESS_QUERY,
  type AreaSummary,
  type BoardChanged,
  type DepartureReadinessQuery,
  type Readiness,
  type ReleaseReadinessQuery,
} from './queries.js';
import {
  AREA_LABEL,
  STATUS_LABEL,
  areasWorstFirst,
  blockingNames,
  countsText,
  evidenceFacts,
  gateName,
  gatesToDiscuss,
  groupedByEnvironment,
  heaviestFactors,
  placeOf,
  verdictOf,
  type GateGroup,
} from './readiness-data.js';
import { styles } from './sb-release-readiness.styles.js';

/** What is shown: one release's dashboard, or a departure's (one per release boarded). */
interface Shown {
  readonly departure: boolean;
  readonly releases: readonly Readiness[];
}

const OUTCOME: Record<'GO' | 'NO_GO' | 'NO_QUORUM', string> = { GO: 'Go', NO_GO: 'No-go', NO_QUORUM: 'No quorum' };
const DEFAULT_REFRESH_SECONDS = 60;
/** Never ask more often than this, whatever the attribute says. */
const MIN_REFRESH_SECONDS = 10;

/**
 * The go/no-go dashboard of a release, or of every release boarded on a train's departure: the
 * verdict and risk level with the factors that make it, the open incidents on the shipped
 * services, the board's session and the readiness review, then every area (build, tests,
 * environments, NFRs, readiness review, migrations, notices, ...) with its status; an area's
 * failed and pending gates open (keyboard: Enter or Space on the area) with their reason and
 * evidence, said once for every environment where they say the same. Built to be read on a projector.
 *
 * Live: it follows the board's session (graphql-transport-ws) and asks again every
 * `refresh-seconds` while the page is visible, keeping what it shows while it asks.
 *
 * @attr release-id - The Release's global id.
 * @attr departure-id - Or a Departure's global id: one section per release boarded on it.
 * @attr refresh-seconds - How often to ask again (default 60, at least 10; 0 stops it).
 * @fires sb-error - The dashboard could not be loaded; detail `{ code, message }`.
 * @csspart container - The whole component.
 * @csspart release - One release's dashboard.
 * @csspart header - Its title, status and when its facts were gathered.
 * @csspart verdict - The verdict (also `verdict-go`, `verdict-no-go`, `verdict-waiting`, `verdict-unknown`).
 * @csspart risk - The risk level and its heaviest factors.
 * @csspart incidents - The open incidents on the shipped services.
 * @csspart incident - One open incident.
 * @csspart board - The board's session and the readiness review.
 * @csspart areas - The list of areas.
 * @csspart area - One area (also `area-failed`, `area-pending`, `area-waived`, `area-passed`, `area-none`).
 * @csspart status - An area's or a gate's status badge.
 * @csspart gate - One failed or pending gate with its reason and evidence.
 * @csspart message - The loading and empty messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbReleaseReadiness extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'release-id' }) releaseId: string | null | undefined;
  @property({ attribute: 'departure-id' }) departureId: string | null | undefined;
  @property({ attribute: 'refresh-seconds', type: Number }) refreshSeconds = DEFAULT_REFRESH_SECONDS;

  @state() private refreshError = '';

  readonly #live = new LiveController(this);
  readonly #dashboard = new LoadController(this, {
    args: () => [this.releaseId, this.departureId] as const,
    task: ([releaseId, departureId], signal) => this.#open(releaseId, departureId, signal),
    // Changes made while the element was away never reached it: ask afresh.
    reloadOnReconnect: true,
  });
  #timer: ReturnType<typeof setTimeout> | undefined;
  #quiet: AbortController | undefined;

  /** Asks again, keeping what is shown until the answer arrives. */
  async refresh(): Promise<void> {
    if (this.#dashboard.state.status !== 'ready') return this.#dashboard.run();
    this.#quiet?.abort();
    const abort = new AbortController();
    this.#quiet = abort;
    const asked = [this.releaseId, this.departureId] as const;
    try {
      const shown = await this.#fetch(...asked, abort.signal);
      // Another release asked for meanwhile is the full load's to show, not this answer.
      const current = this.releaseId === asked[0] && this.departureId === asked[1];
      if (!abort.signal.aborted && current) {
        this.refreshError = '';
        this.#dashboard.show(shown);
      }
    } catch (error) {
      if (!abort.signal.aborted) this.refreshError = asSignalboxError(error).message;
    } finally {
      this.#schedule();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#quiet?.abort();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('refreshSeconds')) this.#schedule();
  }

  protected override render(): TemplateResult {
    return html`<section part="container" class="container" aria-label="Release readiness"
      aria-busy=${this.#dashboard.state.status === 'loading' ? 'true' : 'false'}>
      ${this.#renderView()}
    </section>`;
  }

  #renderView(): TemplateResult {
    const state = this.#dashboard.state;
    switch (state.status) {
      case 'loading':
        return html`<p part="message" class="message" role="status">Gathering the release's readiness…</p>`;
      case 'error':
        return renderFailure(state.error, 'this readiness dashboard', () => void this.#dashboard.run());
      case 'ready':
        return this.#renderShown(state.data);
    }
  }

  #renderShown(shown: Shown): TemplateResult {
    if (!shown.releases.length) {
      return html`<p part="message" class="message empty" role="status">
        No release you may read is boarded on this departure yet.
      </p>`;
    }
    return html`${shown.releases.map((r) => this.#renderRelease(r, shown.departure))}
      ${this.refreshError
        ? html`<p class="refresh-note" role="status">Could not refresh: ${this.refreshError} (showing the last answer).</p>`
        : nothing}`;
  }

  #renderRelease(r: Readiness, inDeparture: boolean): TemplateResult {
    const title = r.release?.title ?? 'Release';
    const headingId = `release-${r.release?.id ?? 'unknown'}`;
    return html`<article part="release" class="release" aria-labelledby=${headingId}>
      <header part="header" class="header">
        ${inDeparture
          ? html`<h3 id=${headingId} class="title">${title}</h3>`
          : html`<h2 id=${headingId} class="title">${title}</h2>`}
        <span class="meta">
          ${r.release ? humanize(r.release.status) : ''}${r.asOf
            ? html` · facts as of <time datetime=${r.asOf}>${formatDateTime(this, r.asOf)}</time>`
            : nothing}
        </span>
      </header>
      <div class="top">${this.#renderVerdict(r)} ${this.#renderRisk(r)}</div>
      ${this.#renderIncidents(r)} ${this.#renderBoard(r)}
      <ul part="areas" class="areas" aria-label="Areas of ${title}">
        ${areasWorstFirst(r.areas).map((a) => this.#renderArea(a))}
      </ul>
    </article>`;
  }

  #renderVerdict(r: Readiness): TemplateResult {
    const { word, tone, detail } = verdictOf(r);
    return html`<div part="verdict verdict-${tone}" class="verdict verdict-${tone}" role="status" aria-live="polite">
      <span class="verdict-label">Verdict</span>
      <strong class="verdict-word">${word}</strong>
      <span class="verdict-detail">${detail}</span>
    </div>`;
  }

  #renderRisk(r: Readiness): TemplateResult {
    if (!r.riskLevel) {
      return html`<div part="risk" class="risk"><span class="risk-label">Risk</span>
        <span class="risk-level">Not assessed</span></div>`;
    }
    const factors = heaviestFactors(r.riskFactors);
    return html`<div part="risk" class="risk">
      <span class="risk-label">Risk</span>
      <strong class="risk-level risk-${r.riskLevel.toLowerCase()}">${humanize(r.riskLevel)}</strong>
      ${factors.length
        ? html`<ol class="factors" aria-label="What the risk is made of, heaviest first">
            ${factors.map(
              (f) => html`<li><span class="factor">${humanize(f.factor)}</span>
                <span class="points">+${f.points}</span> <span class="explanation">${f.explanation}</span></li>`,
            )}
          </ol>`
        : nothing}
    </div>`;
  }

  #renderIncidents(r: Readiness): TemplateResult | typeof nothing {
    const incidents = r.openIncidents;
    if (!incidents) return nothing;
    const { totalCount, nodes } = incidents;
    const heading = totalCount
      ? `${totalCount} open incident${totalCount === 1 ? '' : 's'} on its services`
      : 'No open incident on its services';
    return html`<section part="incidents" class="incidents ${totalCount ? 'incidents-open' : 'incidents-none'}"
      aria-label="Open incidents">
      <p class="incidents-heading"><strong>${heading}</strong></p>
      ${nodes.length
        ? html`<ul class="incident-list">
            ${nodes.map(
              (i) => html`<li part="incident" class="incident">
                <strong class="incident-ref">${i.incidentRef}</strong>
                <span class="incident-where">${i.service?.key ?? i.serviceRef}${i.environmentRef ? ` in ${i.environmentRef}` : ''}</span>
                <time datetime=${i.detectedAt}>since ${formatDateTime(this, i.detectedAt)}</time>
                <span class="incident-description">${i.description}</span>
              </li>`,
            )}
          </ul>
          ${totalCount > nodes.length ? html`<p class="more">and ${totalCount - nodes.length} older.</p>` : nothing}`
        : nothing}
    </section>`;
  }

  #renderBoard(r: Readiness): TemplateResult {
    const session = r.goNoGoSession;
    const review = r.readinessReview;
    return html`<dl part="board" class="board">
      <div>
        <dt>Board</dt>
        <dd>
          ${session
            ? session.status === 'OPEN'
              ? html`${session.board?.name ?? 'Session'} open: so far
                  <strong>${OUTCOME[session.currentDecision.outcome]}</strong> (${session.currentDecision.ruleClause})`
              : html`${session.board?.name ?? 'Session'} closed:
                  <strong>${OUTCOME[session.outcome ?? 'NO_QUORUM']}</strong>`
            : 'No go/no-go session yet'}
        </dd>
      </div>
      <div>
        <dt>Readiness review</dt>
        <dd>
          ${review
            ? review.status === 'SIGNED_OFF'
              ? html`Signed off${review.signedOffBy ? ` by ${review.signedOffBy.displayName}` : ''}`
              : html`Open${review.missing.length ? `, ${review.missing.length} item${review.missing.length === 1 ? '' : 's'} missing` : ''}`
            : 'None opened'}
        </dd>
      </div>
    </dl>`;
  }

  #renderArea(area: AreaSummary): TemplateResult {
    const status = area.status?.toLowerCase() ?? 'none';
    const discuss = gatesToDiscuss(area);
    const badge = html`<span part="status" class="status status-${status}">
      ${area.status ? STATUS_LABEL[area.status] : 'Not applicable'}</span>`;
    const heading = html`<span class="area-name">${AREA_LABEL[area.area]}</span> ${badge}
      <span class="counts">${countsText(area)}</span>
      ${discuss.length ? html`<span class="blocking">${blockingNames(discuss, humanize)}</span>` : nothing}`;
    return html`<li part="area area-${status}" class="area area-${status}" data-area=${area.area}
      data-status=${area.status ?? ''}>
      ${discuss.length
        ? html`<details>
            <summary>${heading}</summary>
            <ul class="gates">${groupedByEnvironment(discuss).map((g) => this.#renderGate(g))}</ul>
          </details>`
        : html`<div class="area-line">${heading}</div>`}
    </li>`;
  }

  #renderGate(group: GateGroup): TemplateResult {
    const g = group.first;
    const status = g.gate.status.toLowerCase();
    const facts = evidenceFacts(g.gate.evidence);
    const links = evidenceLinks(g.gate.evidence);
    return html`<li part="gate" class="gate gate-${status}" data-gate=${g.gate.gate}>
      <span class="gate-name">${gateName(g.gate.gate, humanize)}</span>
      <span part="status" class="status status-${status}">${STATUS_LABEL[g.gate.status]}</span>
      <span class="place">${placeOf(group)}</span>
      <span class="reason">${g.gate.reason}</span>
      ${facts.length || links.length
        ? html`<span class="evidence">
            ${facts.map(([k, v]) => html`<span class="fact">${humanize(k)}: ${v}</span>`)}
            ${links.map((l) => html`<a href=${l.href} target="_blank" rel="noopener noreferrer">${l.label}</a>`)}
          </span>`
        : nothing}
    </li>`;
  }

  /** Loads afresh, then follows the board's session live and asks again on a timer. */
  async #open(
    releaseId: string | null | undefined,
    departureId: string | null | undefined,
    signal: AbortSignal,
  ): Promise<Shown> {
    this.#live.stop();
    this.#quiet?.abort();
    this.refreshError = '';
    const shown = await this.#fetch(releaseId, departureId, signal);
    const session = shown.departure ? null : shown.releases[0]?.goNoGoSession;
    if (session && !signal.aborted) this.#follow(session.id);
    this.#schedule();
    return shown;
  }

  async #fetch(
    releaseId: string | null | undefined,
    departureId: string | null | undefined,
    signal: AbortSignal,
  ): Promise<Shown> {
    if (releaseId) {
      const data = await this.client.request<ReleaseReadinessQuery>(
        RELEASE_READINESS_QUERY,
        { id: releaseId },
        { signal },
      );
      return { departure: false, releases: [data.releaseReadiness] };
    }
    if (departureId) {
      const data = await this.client.request<DepartureReadinessQuery>(
        DEPARTURE_READINESS_QUERY,
        { id: departureId },
        { signal },
      );
      return { departure: true, releases: data.departureReadiness };
    }
    throw new SignalboxError('NOT_CONFIGURED', '<sb-release-readiness> needs a release-id or a departure-id.');
  }

  #follow(sessionId: string): void {
    this.#live.follow<BoardChanged>(
      BOARD_CHANGED,
      { id: sessionId },
      {
        next: () => void this.refresh(),
        // The timer still asks: a broken live link only makes the view less prompt.
        error: () => undefined,
      },
    );
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const seconds = Number(this.refreshSeconds);
    if (!this.isConnected || !Number.isFinite(seconds) || seconds <= 0) return;
    this.#timer = setTimeout(() => {
      // A hidden page (another tab, a locked screen) is not watched: ask when it is seen again.
      if (document.visibilityState === 'hidden') this.#schedule();
      else void this.refresh();
    }, Math.max(seconds, MIN_REFRESH_SECONDS) * 1000);
  }
}
