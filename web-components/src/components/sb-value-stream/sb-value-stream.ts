import { css, html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { downloadCsv } from '../../base/csv.js';
import { formatDateTime, formatDuration, formatNumber, humanize } from '../../base/format.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { stackedBars } from '../../charts/geometry.js';
import { barsChart } from '../../charts/templates.js';
import { SignalboxError } from '../../data/errors.js';
import { chartStyles } from '../../styles/charts.js';
import { reportStyles } from '../../styles/report.js';
import {
  VALUE_STREAM_QUERY,
  VALUE_STREAM_SUMMARY_QUERY,
  type Stream,
  type StreamQuery,
  type Summary,
  type SummaryQuery,
} from './queries.js';
import { STEP_LABEL, WASTE_LABEL, streamBars, summaryBars, summaryTable, waitsText } from './stream-data.js';

type Shown = { readonly kind: 'summary'; readonly summary: Summary } | { readonly kind: 'stream'; readonly stream: Stream };

/**
 * Where a change's time goes on its way to production: commit → merged → built → tested →
 * staged → approved → deployed, each step split into work and wait (for an environment, an
 * approval, a window or a freeze), drawn as stacked SVG bars beside a table. For a team or a
 * BU over a period: the median and 75th percentile per step, the slowest steps and the
 * non-value-added steps found (manual hand-offs, redundant reviews, re-work loops), with a CSV
 * download; for one deployment: its own steps and the waste found in them, with evidence.
 *
 * @attr team-id - A Team's global id (or business-unit-id): the summary over the period.
 * @attr business-unit-id - A BusinessUnit's global id.
 * @attr deployment-id - Or one production deployment's global id: its own steps.
 * @attr since - The period's start (ISO 8601; the API's default when unset).
 * @attr until - The period's end (ISO 8601; default now).
 * @fires sb-error - It could not be loaded; detail `{ code, message }`.
 * @csspart container - The whole component.
 * @csspart header - What is shown and the lead time.
 * @csspart chart - The work and wait bars.
 * @csspart steps - The table of steps.
 * @csspart slowest - The slowest steps.
 * @csspart waste - The non-value-added steps found.
 * @csspart csv - The CSV download button.
 * @csspart message - The loading and empty messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbValueStream extends SbElement {
  static override styles: CSSResultGroup = [
    SbElement.styles,
    reportStyles,
    chartStyles,
    css`
      .legend {
        display: flex;
        gap: var(--_sb-space);
        align-items: center;
      }
      .swatch {
        display: inline-block;
        width: 0.9em;
        height: 0.9em;
        vertical-align: middle;
        margin-right: 0.3em;
      }
      .swatch.work {
        background: var(--_sb-color-accent);
      }
      .swatch.wait {
        background: var(--_sb-color-warning);
        opacity: 0.75;
      }
    `,
  ];

  @property({ attribute: 'team-id' }) teamId: string | null | undefined;
  @property({ attribute: 'business-unit-id' }) businessUnitId: string | null | undefined;
  @property({ attribute: 'deployment-id' }) deploymentId: string | null | undefined;
  @property() since: string | null | undefined;
  @property() until: string | null | undefined;

  readonly #load = new LoadController(this, {
    args: () => [this.deploymentId, this.teamId, this.businessUnitId, this.since, this.until] as const,
    task: ([deployment, team, bu, since, until], signal) => this.#fetch(deployment, team, bu, since, until, signal),
    reloadOnReconnect: true,
  });

  async #fetch(
    deployment: string | null | undefined,
    team: string | null | undefined,
    bu: string | null | undefined,
    since: string | null | undefined,
    until: string | null | undefined,
    signal: AbortSignal,
  ): Promise<Shown> {
    if (deployment) {
      const data = await this.client.request<StreamQuery>(VALUE_STREAM_QUERY, { id: deployment }, { signal });
      return { kind: 'stream', stream: data.valueStream };
    }
    if (!team && !bu) {
      throw new SignalboxError('NOT_CONFIGURED', '<sb-value-stream> needs a team-id, a business-unit-id or a deployment-id.');
    }
    const variables = { team: team ?? null, bu: team ? null : bu, since: since ?? null, until: until ?? null };
    const data = await this.client.request<SummaryQuery>(VALUE_STREAM_SUMMARY_QUERY, variables, { signal });
    return { kind: 'summary', summary: data.valueStreamSummary };
  }

  protected override render(): TemplateResult {
    const s = this.#load.state;
    return html`<section part="container" class="container" aria-label="Value stream"
      aria-busy=${s.status === 'loading' ? 'true' : 'false'}>
      ${s.status === 'loading'
        ? html`<p part="message" class="message" role="status">Following the changes through their steps…</p>`
        : s.status === 'error'
          ? renderFailure(s.error, 'this value stream', () => void this.#load.run())
          : s.data.kind === 'summary'
            ? this.#renderSummary(s.data.summary)
            : this.#renderStream(s.data.stream)}
    </section>`;
  }

  #dur = (seconds: number | null): string => formatDuration(seconds, (v) => formatNumber(this, v));

  #legend(): TemplateResult {
    return html`<p class="legend muted"><span><span class="swatch work"></span>work</span><span><span class="swatch wait"></span>wait</span></p>`;
  }

  #renderSummary(s: Summary): TemplateResult {
    const table = summaryTable(s.steps);
    const bars = stackedBars(summaryBars(s.steps), { width: 560, format: (v) => `${formatNumber(this, v, 0)} h` });
    return html`<header part="header" class="header">
        <h2 class="title">Value stream</h2>
        <span class="meta"
          >${s.changeCount} changes deployed <time datetime=${s.since}>${formatDateTime(this, s.since)}</time> to
          <time datetime=${s.until}>${formatDateTime(this, s.until)}</time> · lead time median ${this.#dur(s.leadTimeMedianSeconds)},
          p75 ${this.#dur(s.leadTimeP75Seconds)}</span
        >
      </header>
      ${s.truncated ? html`<p class="message" role="status">More changes than one summary reads: narrow the period.</p>` : nothing}
      ${s.changeCount
        ? html`${barsChart(bars, 'Median work and wait per step, in hours', (k) => k)} ${this.#legend()}`
        : html`<p part="message" class="message">No production change in this period.</p>`}
      <section part="slowest" aria-labelledby="slowest-h">
        <h3 id="slowest-h">Slowest steps</h3>
        <p class="message">${s.slowestSteps.length ? s.slowestSteps.map((x) => STEP_LABEL[x]).join(', ') : 'None measured.'}</p>
      </section>
      <section part="waste" aria-labelledby="waste-h">
        <h3 id="waste-h">Non-value-added steps</h3>
        ${s.wasteCounts.some((w) => w.count > 0)
          ? html`<ul class="list">
              ${s.wasteCounts.filter((w) => w.count > 0).map((w) => html`<li>${WASTE_LABEL[w.kind]}: ${w.count}</li>`)}
            </ul>`
          : html`<p class="message">None found.</p>`}
      </section>
      <section part="steps" aria-labelledby="steps-h">
        <h3 id="steps-h">Steps</h3>
        <button part="csv" @click=${() => downloadCsv(this.renderRoot, 'value-stream', table)}>Download CSV</button>
        <table>
          <thead>
            <tr><th scope="col">Step</th><th scope="col">Work (median, p75)</th><th scope="col">Wait (median, p75)</th><th scope="col">Waited for</th><th scope="col">Measured</th></tr>
          </thead>
          <tbody>
            ${s.steps.map(
              (x) => html`<tr>
                <th scope="row">${STEP_LABEL[x.step]}</th>
                <td>${this.#dur(x.workMedianSeconds)}, ${this.#dur(x.workP75Seconds)}</td>
                <td>${this.#dur(x.waitMedianSeconds)}, ${this.#dur(x.waitP75Seconds)}</td>
                <td>${waitsText(x.waitByKind, (v) => this.#dur(v)) || '—'}</td>
                <td>${x.changes} of ${x.changes + x.noData}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </section>`;
  }

  #renderStream(s: Stream): TemplateResult {
    const bars = stackedBars(streamBars(s.steps), { width: 560, format: (v) => `${formatNumber(this, v, 0)} h` });
    return html`<header part="header" class="header">
        <h2 class="title">${s.releaseTitle ?? s.serviceKey ?? 'A change'}</h2>
        <span class="meta">deployed <time datetime=${s.deployedAt}>${formatDateTime(this, s.deployedAt)}</time> · lead time
          ${this.#dur(s.leadTimeSeconds)}</span>
      </header>
      ${barsChart(bars, 'Work and wait per step, in hours', (k) => k)} ${this.#legend()}
      <section part="steps" aria-labelledby="steps-h">
        <h3 id="steps-h">Steps</h3>
        <table>
          <thead><tr><th scope="col">Step</th><th scope="col">Work</th><th scope="col">Wait</th><th scope="col">Waited for</th></tr></thead>
          <tbody>
            ${s.steps.map(
              (x) => html`<tr>
                <th scope="row">${STEP_LABEL[x.step]}</th>
                ${x.hasData
                  ? html`<td>${this.#dur(x.workSeconds)}</td><td>${this.#dur(x.waitSeconds)}</td>
                      <td>${waitsText(x.waits, (v) => this.#dur(v)) || '—'}</td>`
                  : html`<td colspan="3" class="muted">Not recorded: not measured, never guessed.</td>`}
              </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section part="waste" aria-labelledby="waste-h">
        <h3 id="waste-h">Non-value-added steps</h3>
        ${s.waste.length
          ? html`<ul class="list">
              ${s.waste.map(
                (w) => html`<li><span class="tag">${humanize(w.kind)}</span> in ${STEP_LABEL[w.step].toLowerCase()}:
                  ${w.evidence}${w.lostSeconds > 0 ? html` <span class="muted">(${this.#dur(w.lostSeconds)} lost)</span>` : nothing}</li>`,
              )}
            </ul>`
          : html`<p class="message">None found.</p>`}
      </section>`;
  }
}
