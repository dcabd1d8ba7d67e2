import { css, html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { downloadCsv } from '../../base/csv.js';
import { formatDateTime, formatNumber } from '../../base/format.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { trendGeometry } from '../../charts/geometry.js';
import { trendChart } from '../../charts/templates.js';
import { asSignalboxError } from '../../data/errors.js';
import { chartStyles } from '../../styles/charts.js';
import { reportStyles } from '../../styles/report.js';
import {
  KEY_TITLE,
  LEVEL_WORD,
  TREND_UNIT,
  keyCards,
  rowsTable,
  trendOf,
  type KeyCard,
  type KeyName,
} from './dora-data.js';
import {
  DORA_METRICS_QUERY,
  DORA_ROWS_QUERY,
  type DoraBenchmarks,
  type DoraBucket,
  type DoraFailureDefinition,
  type DoraMetrics,
  type DoraMetricsQuery,
  type DoraRows,
  type DoraRowsQuery,
  type DoraStatistic,
  type Variables,
} from './queries.js';

/**
 * DORA's four keys for a BU, a team or a service over a period: each figure in words with its
 * benchmark level (DORA 2023 or 2021) and a trend by week or month drawn as an SVG chart; each
 * opens on the rows that make it (which deployments, which incidents), as a table with a CSV
 * download, so anyone can check it. Definitions follow Apache DevLake's DORA plugin.
 *
 * @attr business-unit-id - A BusinessUnit's global id (or team-id, or service-id; none: every BU you may read).
 * @attr team-id - A Team's global id.
 * @attr service-id - A Service's global id.
 * @attr since - The period's start (ISO 8601; default 90 days before `until`).
 * @attr until - The period's end (ISO 8601; default now).
 * @attr bucket - `WEEK` or `MONTH` (default) for the trend.
 * @attr statistic - `MEDIAN` (default) or `P75` for lead time and time to restore.
 * @attr benchmarks - `DORA_2023` (default) or `DORA_2021`.
 * @attr failure - What counts as a failed change: `INCIDENT` (default), `ROLLBACK`, `HOTFIX`, `ANY`.
 * @fires sb-error - It could not be loaded; detail `{ code, message }`.
 * @csspart container - The whole component.
 * @csspart header - The period and the definitions used.
 * @csspart key - One of the four keys (also `key-frequency`, `key-leadTime`, `key-failureRate`, `key-restore`).
 * @csspart level - A key's benchmark level (also `level-elite`, `level-high`, `level-medium`, `level-low`).
 * @csspart chart - A trend chart.
 * @csspart rows-button - The button that opens a key's rows.
 * @csspart rows - A key's rows: the table and its CSV download.
 * @csspart csv - The CSV download button.
 * @csspart message - The loading and empty messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbDoraMetrics extends SbElement {
  static override styles: CSSResultGroup = [
    SbElement.styles,
    reportStyles,
    chartStyles,
    css`
      .keys {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
        gap: var(--_sb-space);
      }
      .key {
        display: grid;
        gap: calc(var(--_sb-space) / 2);
        align-content: start;
        padding: var(--_sb-space) calc(var(--_sb-space) * 1.5);
        border: 1px solid var(--_sb-color-border);
        border-radius: var(--_sb-radius);
      }
      .value {
        font-size: 1.6em;
        font-weight: 600;
      }
      .rows-panel {
        display: grid;
        gap: calc(var(--_sb-space) / 2);
        overflow-x: auto;
      }
    `,
  ];

  @property({ attribute: 'business-unit-id' }) businessUnitId: string | null | undefined;
  @property({ attribute: 'team-id' }) teamId: string | null | undefined;
  @property({ attribute: 'service-id' }) serviceId: string | null | undefined;
  @property() since: string | null | undefined;
  @property() until: string | null | undefined;
  @property() bucket: DoraBucket = 'MONTH';
  @property() statistic: DoraStatistic = 'MEDIAN';
  @property() benchmarks: DoraBenchmarks = 'DORA_2023';
  @property() failure: DoraFailureDefinition = 'INCIDENT';

  @state() private opened: KeyName | null = null;
  @state() private rows: DoraRows | null = null;
  @state() private rowsError = '';
  #rowsFor = '';

  // Compared one by one: the arguments are the attributes, never an object made afresh.
  readonly #metrics = new LoadController(this, {
    args: () => [JSON.stringify(this.#variables())] as const,
    task: ([variables], signal) => this.#fetch(JSON.parse(variables) as Variables, signal),
    reloadOnReconnect: true,
  });

  #variables(): Variables {
    const scope: { businessUnitId?: string; teamId?: string; serviceId?: string } = {};
    if (this.serviceId) scope.serviceId = this.serviceId;
    else if (this.teamId) scope.teamId = this.teamId;
    else if (this.businessUnitId) scope.businessUnitId = this.businessUnitId;
    return {
      scope,
      ...(this.since ? { since: this.since } : {}),
      ...(this.until ? { until: this.until } : {}),
      bucket: this.bucket === 'WEEK' ? 'WEEK' : 'MONTH',
      options: { statistic: this.statistic, benchmarks: this.benchmarks, failure: this.failure },
    };
  }

  async #fetch(variables: Variables, signal: AbortSignal): Promise<DoraMetrics> {
    const data = await this.client.request<DoraMetricsQuery>(DORA_METRICS_QUERY, variables, { signal });
    // Other arguments, other rows: the ones shown were for the previous figures.
    this.opened = null;
    this.rows = null;
    return data.doraMetrics;
  }

  protected override render(): TemplateResult {
    const s = this.#metrics.state;
    return html`<section part="container" class="container" aria-label="DORA metrics"
      aria-busy=${s.status === 'loading' ? 'true' : 'false'}>
      ${s.status === 'loading'
        ? html`<p part="message" class="message" role="status">Computing the four keys…</p>`
        : s.status === 'error'
          ? renderFailure(s.error, 'these DORA metrics', () => void this.#metrics.run())
          : this.#renderMetrics(s.data)}
    </section>`;
  }

  #num = (value: number, digits = 1): string => formatNumber(this, value, digits);

  #renderMetrics(m: DoraMetrics): TemplateResult {
    const cards = keyCards(m.keys, this.#num);
    return html`<header part="header" class="header">
        <h2 class="title">DORA's four keys</h2>
        <span class="meta"
          ><time datetime=${m.start}>${formatDateTime(this, m.start)}</time> to
          <time datetime=${m.end}>${formatDateTime(this, m.end)}</time> · ${m.statistic === 'P75' ? '75th percentile' : 'median'}
          · ${m.benchmarks === 'DORA_2021' ? 'DORA 2021' : 'DORA 2023'} levels · failures:
          ${m.failureDefinition.toLowerCase()}</span
        >
      </header>
      <div class="keys">${cards.map((c) => this.#renderKey(c, m))}</div>
      ${this.opened ? this.#renderRows(this.opened) : nothing}`;
  }

  #renderKey(c: KeyCard, m: DoraMetrics): TemplateResult {
    const points = trendOf(m.trend, c.key);
    const geometry = trendGeometry(points, {
      width: 260,
      height: 90,
      formatX: (d) => new Intl.DateTimeFormat(undefined, { month: 'short', day: m.trend.length > 8 ? 'numeric' : undefined }).format(d),
      formatY: (v) => this.#num(v, 0),
      xTickCount: 3,
      yTickCount: 3,
    });
    const level = c.level ? LEVEL_WORD[c.level] : 'No level';
    const open = this.opened === c.key;
    return html`<article part="key key-${c.key}" class="key" aria-labelledby="key-${c.key}">
      <h3 id="key-${c.key}">${c.title}</h3>
      <span class="value">${c.value}</span>
      <span part="level level-${(c.level ?? 'none').toLowerCase()}" class="tag level-${(c.level ?? 'none').toLowerCase()}">${level}</span>
      <span class="muted">${c.detail}</span>
      ${trendChart(geometry, `${c.title} by ${m.trend.length > 8 ? 'week' : 'period'}, in ${TREND_UNIT[c.key]}`)}
      <button part="rows-button" aria-expanded=${open ? 'true' : 'false'} aria-controls="rows"
        @click=${() => void this.#toggle(c.key)}>${open ? 'Hide the rows' : 'Show the rows'}</button>
    </article>`;
  }

  async #toggle(key: KeyName): Promise<void> {
    if (this.opened === key) {
      this.opened = null;
      return;
    }
    this.opened = key;
    const variables = JSON.stringify(this.#variables());
    if (this.rows && this.#rowsFor === variables) return;
    this.rows = null;
    this.rowsError = '';
    try {
      const data = await this.client.request<DoraRowsQuery>(DORA_ROWS_QUERY, this.#variables());
      this.rows = data.doraMetrics.rows;
      this.#rowsFor = variables;
    } catch (error) {
      this.rowsError = asSignalboxError(error).message;
    }
  }

  #renderRows(key: KeyName): TemplateResult {
    if (this.rowsError) {
      return html`<div id="rows" part="rows" class="rows-panel"><p class="message" role="status">Could not load the rows: ${this.rowsError}</p></div>`;
    }
    if (!this.rows) {
      return html`<div id="rows" part="rows" class="rows-panel"><p part="message" class="message" role="status">Loading the rows…</p></div>`;
    }
    const table = rowsTable(this.rows, key);
    return html`<div id="rows" part="rows" class="rows-panel">
      <h3>${KEY_TITLE[key]}: the rows</h3>
      <button part="csv" @click=${() => downloadCsv(this.renderRoot, `dora-${key}`, table)}>Download CSV</button>
      ${table.body.length
        ? html`<table>
            <caption>${table.caption} (${table.body.length})</caption>
            <thead><tr>${table.head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
            <tbody>${table.body.map((r) => html`<tr>${r.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody>
          </table>`
        : html`<p part="message" class="message">No rows: nothing counted in this period.</p>`}
      ${this.rows.leftOut.length
        ? html`<p class="muted">${this.rows.leftOut.length} left out of the figures, each with its reason, in the API's <code>rows.leftOut</code>.</p>`
        : nothing}
    </div>`;
  }
}
