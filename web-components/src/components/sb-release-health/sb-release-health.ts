import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { formatDateTime, formatNumber, humanize } from '../../base/format.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { SignalboxError } from '../../data/errors.js';
import {
  isDeployment,
  journeyRows,
  metricRows,
  metricsAbsence,
  reviewState,
  riseText,
  shippedOf,
  type JourneyRow,
} from './health-data.js';
import { RELEASE_HEALTH_QUERY, type DeploymentNode, type ReleaseHealthQuery, type Review } from './queries.js';
import { styles } from './sb-release-health.styles.js';

interface Shown {
  readonly deployment: DeploymentNode;
  readonly data: ReleaseHealthQuery;
}

/**
 * How a production deployment is doing since it shipped: its 24-hour review's state (open, due,
 * overdue, or closed with a verdict), the emergent issues it found, the service's synthetic
 * journeys before and after (regressions first, with whether they rolled it back), metrics
 * before and after against the guardrail's tolerance, the alerts, the incidents (and where each
 * is attributed) and what the log pipeline and users reported. Absent figures say why; they are
 * never shown as zero.
 *
 * @attr deployment-id - A Deployment's or a DeploymentReport's global id.
 * @fires sb-error - It could not be loaded; detail `{ code, message }`.
 * @csspart container - The whole component.
 * @csspart header - The service, version, environment and when it shipped.
 * @csspart review - The review's state (also `review-good`, `review-bad`, `review-waiting`, `review-unknown`).
 * @csspart rollback - The rollback decision, when it was rolled back.
 * @csspart issues - The emergent issues.
 * @csspart journeys - The journeys table (a row with a regression also has part `regression`).
 * @csspart metrics - The metrics table (a regressed row also has part `regressed`).
 * @csspart alerts - The alerts after the deployment.
 * @csspart incidents - The incidents linked to the review.
 * @csspart signals - Log signals and user feedback.
 * @csspart message - The loading and absence messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbReleaseHealth extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'deployment-id' }) deploymentId: string | null | undefined;

  readonly #health = new LoadController(this, {
    args: () => [this.deploymentId] as const,
    task: ([id], signal) => this.#fetch(id, signal),
    reloadOnReconnect: true,
  });

  /** Asks again (the review is gathered when it falls due; journeys run on their schedule). */
  refresh(): Promise<void> {
    return this.#health.run();
  }

  protected override render(): TemplateResult {
    const state = this.#health.state;
    return html`<section part="container" class="container" aria-label="Release health"
      aria-busy=${state.status === 'loading' ? 'true' : 'false'}>
      ${state.status === 'loading'
        ? html`<p part="message" class="message" role="status">Gathering the deployment's health…</p>`
        : state.status === 'error'
          ? renderFailure(state.error, 'this deployment’s health', () => void this.#health.run())
          : this.#renderShown(state.data)}
    </section>`;
  }

  async #fetch(id: string | null | undefined, signal: AbortSignal): Promise<Shown> {
    if (!id) throw new SignalboxError('NOT_CONFIGURED', '<sb-release-health> needs a deployment-id.');
    const data = await this.client.request<ReleaseHealthQuery>(RELEASE_HEALTH_QUERY, { id }, { signal });
    if (!isDeployment(data.deployment)) {
      throw new SignalboxError('NOT_FOUND', 'No deployment you may read has this id.');
    }
    return { deployment: data.deployment, data };
  }

  #renderShown({ deployment, data }: Shown): TemplateResult {
    const review = data.review;
    const shipped = shippedOf(deployment, review);
    const state = reviewState(review);
    const journeys = journeyRows(review?.synthetic.results ?? null, data.regressions);
    return html`<header part="header" class="header">
        <h2 class="title">${shipped.service} ${shipped.version} in ${shipped.environment}</h2>
        <span class="meta">${shipped.how}${shipped.at
          ? html` · <time datetime=${shipped.at}>${formatDateTime(this, shipped.at)}</time>`
          : nothing}</span>
      </header>
      <div part="review review-${state.tone}" class="state tone-${state.tone}" role="status">
        <span class="label">24-hour review</span>
        <strong class="word">${state.word}</strong>
        <span>${state.detail}</span>
        ${review && review.status === 'OPEN'
          ? html`<span class="muted">Due <time datetime=${review.dueAt}>${formatDateTime(this, review.dueAt)}</time>${review
              .team
              ? html` · ${review.team.name}`
              : nothing}</span>`
          : nothing}
      </div>
      ${shipped.rolledBack
        ? html`<p part="rollback" class="rollback">
            Rolled back <time datetime=${shipped.rolledBack.at}>${formatDateTime(this, shipped.rolledBack.at)}</time>:
            ${shipped.rolledBack.reason}
          </p>`
        : nothing}
      ${review ? this.#renderIssues(review) : nothing} ${this.#renderJourneys(journeys, review)}
      ${review ? this.#renderReviewed(review) : nothing}`;
  }

  #renderIssues(review: Review): TemplateResult {
    if (!review.gatheredAt) return html``;
    return html`<section part="issues" class="block" aria-labelledby="issues-h">
      <h3 id="issues-h">Emergent issues</h3>
      ${review.emergentIssues.length
        ? html`<ul class="list">
            ${review.emergentIssues.map(
              (i) => html`<li class="issue"><span class="tag">${humanize(i.kind)}</span> ${i.detail}</li>`,
            )}
          </ul>`
        : html`<p part="message" class="message">None found.</p>`}
    </section>`;
  }

  #renderJourneys(rows: readonly JourneyRow[], review: Review | null): TemplateResult {
    const none = review && !review.synthetic.available ? 'This service has no synthetic journeys.' : 'No journey has run around this deployment yet.';
    return html`<section part="journeys" class="block" aria-labelledby="journeys-h">
      <h3 id="journeys-h">Synthetic journeys</h3>
      ${rows.length
        ? html`<table>
            <thead>
              <tr><th scope="col">Journey</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Regression</th></tr>
            </thead>
            <tbody>
              ${rows.map(
                (r) => html`<tr part=${r.regression ? 'journey regression' : 'journey'} class=${r.regression ? 'bad-row' : ''}>
                  <th scope="row">${r.name}</th>
                  <td><span class="side side-${r.before.replace(' ', '-')}">${humanize(r.before)}</span>${r.runsBefore
                    ? html` <span class="muted">(${r.runsBefore} runs)</span>`
                    : nothing}</td>
                  <td><span class="side side-${r.after.replace(' ', '-')}">${humanize(r.after)}</span>${r.runsAfter
                    ? html` <span class="muted">(${r.failedAfter} of ${r.runsAfter} failed)</span>`
                    : nothing}</td>
                  <td>${r.regression
                    ? html`${r.regression.rolledBack ? 'Rolled back' : 'Flagged'} ·
                        <time datetime=${r.regression.detectedAt}>${formatDateTime(this, r.regression.detectedAt)}</time>`
                    : 'None'}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p part="message" class="message">${none}</p>`}
    </section>`;
  }

  #renderReviewed(review: Review): TemplateResult {
    const absent = metricsAbsence(review);
    const fmt = (n: number | null): string => (n === null ? '—' : formatNumber(this, n, 3));
    return html`<section part="metrics" class="block" aria-labelledby="metrics-h">
        <h3 id="metrics-h">Metrics before and after</h3>
        ${absent
          ? html`<p part="message" class="message">${absent}</p>`
          : html`<table>
              <caption>Tolerance ${review.tolerancePct === null ? 'not set' : `${formatNumber(this, review.tolerancePct)} %`}</caption>
              <thead>
                <tr><th scope="col">Metric</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Change</th></tr>
              </thead>
              <tbody>
                ${metricRows(review).map(
                  (m) => html`<tr part=${m.regressed ? 'metric regressed' : 'metric'} class=${m.regressed ? 'bad-row' : ''}>
                    <th scope="row">${humanize(m.name)}</th>
                    <td>${fmt(m.before)}</td>
                    <td>${fmt(m.after)}</td>
                    <td>${riseText(m.risePct, (n) => formatNumber(this, n))}${m.regressed ? html` <strong>regressed</strong>` : nothing}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </section>
      <section part="alerts" class="block" aria-labelledby="alerts-h">
        <h3 id="alerts-h">Alerts</h3>
        ${review.alerts.length
          ? html`<ul class="list">
              ${review.alerts.map(
                (a) => html`<li><strong>${a.name}</strong> <time datetime=${a.startsAt}>${formatDateTime(this, a.startsAt)}</time>
                  ${a.summary ? html`<span class="line">${a.summary}</span>` : nothing}</li>`,
              )}
            </ul>`
          : html`<p part="message" class="message">No alert fired after it.</p>`}
      </section>
      <section part="incidents" class="block" aria-labelledby="incidents-h">
        <h3 id="incidents-h">Incidents</h3>
        ${review.incidents.length
          ? html`<ul class="list">
              ${review.incidents.map(
                (i) => html`<li><strong>${i.ref}</strong> ${humanize(i.status)} ·
                  <time datetime=${i.detectedAt}>${formatDateTime(this, i.detectedAt)}</time>
                  <span class="line">${i.description}</span>
                  <span class="line muted">${i.attributedElsewhere
                    ? `Attributed elsewhere: ${i.attribution?.changeSummary ?? 'another change'}`
                    : i.attribution
                      ? `Attributed to this change`
                      : 'Not attributed yet'}</span></li>`,
              )}
            </ul>`
          : html`<p part="message" class="message">No incident on the service since.</p>`}
      </section>
      <section part="signals" class="block" aria-labelledby="signals-h">
        <h3 id="signals-h">Logs and feedback</h3>
        ${review.logSignals.length || review.feedback.length
          ? html`<ul class="list">
              ${review.logSignals.map(
                (s) => html`<li><code>${s.fingerprint}</code> ${s.before} before, ${s.after} after</li>`,
              )}
              ${review.feedback.map(
                (f) => html`<li>${humanize(f.kind)}: ${f.title}${f.tags.length
                  ? html` <span class="muted">(${f.tags.join(', ')})</span>`
                  : nothing}</li>`,
              )}
            </ul>`
          : html`<p part="message" class="message">Nothing reported by log pipelines or users.</p>`}
      </section>`;
  }
}
