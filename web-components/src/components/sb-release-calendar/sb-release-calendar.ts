import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { humanise, localeOf, renderFailure } from '../../base/view-state.js';
import { itemKind, itemTitle, itemsOf, itemsOnDay, summarise, type CalendarItem } from './calendar-data.js';
import {
  addDays,
  addMonths,
  dayKey,
  firstDayOfWeek,
  isView,
  moveByKey,
  parseDay,
  sameDay,
  startOfDay,
  visibleRange,
  weeks,
  type CalendarView,
  type DayKey,
  type IsoWeekday,
  type VisibleRange,
} from './calendar-dates.js';
import {
  CALENDAR_QUERY,
  type CalendarConflict,
  type CalendarQuery,
  type DeploymentWindow,
  type FreezeOccurrence,
} from './queries.js';
import { styles } from './sb-release-calendar.styles.js';

/** Detail of `sb-day-selected`: the day opened and what is on it. */
export interface SbDaySelectedDetail {
  /** `YYYY-MM-DD`, local to the page. */
  readonly date: DayKey;
  readonly items: readonly CalendarItem[];
}

/** Detail of `sb-window-selected`. */
export interface SbWindowSelectedDetail {
  readonly windowId: string;
  readonly window: DeploymentWindow;
}

/** Detail of `sb-freeze-selected`: one occurrence of a (possibly recurring) freeze. */
export interface SbFreezeSelectedDetail {
  readonly freezeId: string;
  readonly occurrence: FreezeOccurrence;
}

/** Detail of `sb-conflict-selected`: two windows and every reason they clash, worst first. */
export interface SbConflictSelectedDetail {
  readonly firstWindowId: string;
  readonly secondWindowId: string;
  readonly conflicts: readonly CalendarConflict[];
}

/** Detail of `sb-range-changed`: what the calendar now shows. */
export interface SbRangeChangedDetail {
  readonly view: CalendarView;
  /** First visible day, `YYYY-MM-DD`. */
  readonly from: DayKey;
  /** Day after the last visible day, `YYYY-MM-DD`. */
  readonly to: DayKey;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-day-selected': CustomEvent<SbDaySelectedDetail>;
    'sb-window-selected': CustomEvent<SbWindowSelectedDetail>;
    'sb-freeze-selected': CustomEvent<SbFreezeSelectedDetail>;
    'sb-conflict-selected': CustomEvent<SbConflictSelectedDetail>;
    'sb-range-changed': CustomEvent<SbRangeChangedDetail>;
  }
}

/** Items a month cell shows before "+N more". */
const CELL_LIMIT = 3;

/**
 * The release calendar of a business unit, team or service: deployment
 * windows, freezes (recurring ones expanded), conflicts, vendor releases,
 * production changes, deployments and incidents, by month, week or agenda.
 *
 * Keyboard: the month and week views are a grid with one tab stop; arrow keys
 * move a day or a week, Home/End to the week's ends, PageUp/PageDown a month
 * (with Shift a year); Enter or Space opens the day's items, Escape closes them.
 *
 * @fires sb-day-selected - A day was opened; detail `{ date, items }`.
 * @fires sb-window-selected - A deployment window was chosen; detail `{ windowId, window }`.
 * @fires sb-freeze-selected - A freeze occurrence was chosen; detail `{ freezeId, occurrence }`.
 * @fires sb-conflict-selected - A conflict was chosen; detail `{ conflict }`.
 * @fires sb-range-changed - The visible range changed; detail `{ view, from, to }`.
 * @fires sb-error - The calendar could not be loaded; detail `{ code, message }`.
 * @csspart container - The box around everything.
 * @csspart toolbar - Navigation and view buttons.
 * @csspart title - The month or week shown.
 * @csspart button - Every button of the toolbar and the day panel.
 * @csspart grid - The month or week grid.
 * @csspart day - A day cell of the grid.
 * @csspart chip - An item's line inside a day cell.
 * @csspart agenda - The agenda list.
 * @csspart day-panel - The opened day's items.
 * @csspart item - One item in the day panel or agenda.
 * @csspart empty - The message shown when nothing is planned.
 * @csspart error - The message shown when loading failed or was denied.
 * @cssprop --sb-color-warning - Conflicts and incidents (default #9a6700).
 * @cssprop --sb-color-freeze - Freezes (default #0550ae).
 * @cssprop --sb-calendar-cell-height - Height of a month cell (default 6.5rem).
 */
export class SbReleaseCalendar extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'business-unit-id' })
  businessUnitId: string | null | undefined;

  @property({ attribute: 'team-id' })
  teamId: string | null | undefined;

  @property({ attribute: 'service-id' })
  serviceId: string | null | undefined;

  /** Only windows of this environment (e.g. `production`). */
  @property()
  environment: string | null | undefined;

  /** `month` (default), `week` or `agenda`. */
  @property({ reflect: true })
  view: CalendarView = 'month';

  /** The day to show, `YYYY-MM-DD`; today when absent. */
  @property()
  date: string | null | undefined;

  /** The day holding the grid's tab stop; navigation moves it. */
  @state()
  private focused: Date = startOfDay(new Date());

  /** The day whose items are open, if any. */
  @state()
  private opened: DayKey | null = null;

  readonly #calendar = new LoadController(this, {
    args: () => {
      const range = this.#range();
      return [
        this.businessUnitId,
        this.teamId,
        this.serviceId,
        this.environment,
        this.view,
        range.from.toISOString(),
        range.to.toISOString(),
      ] as const;
    },
    task: async ([businessUnitId, teamId, serviceId, environment, , from, to], signal) => {
      const input: Record<string, string> = { from, to };
      if (businessUnitId) input['businessUnitId'] = businessUnitId;
      if (teamId) input['teamId'] = teamId;
      if (serviceId) input['serviceId'] = serviceId;
      if (environment) input['environment'] = environment;
      const data = await this.client.request<CalendarQuery>(CALENDAR_QUERY, { input }, { signal });
      return itemsOf(data.calendar);
    },
  });

  /** The range `sb-range-changed` last announced (`from|to`), so it fires once per move. */
  #announced = '';
  #focusCell = false;
  #focusPanel = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('date')) {
      this.focused = parseDay(this.date) ?? startOfDay(new Date());
      this.opened = null;
    }
    if (changed.has('view') && !isView(this.view)) {
      this.view = 'month';
    }
    const range = this.#range();
    const shown = `${dayKey(range.from)}|${dayKey(range.to)}`;
    if (shown !== this.#announced) {
      if (this.hasUpdated) {
        this.emit('sb-range-changed', {
          view: this.view,
          from: dayKey(range.from),
          to: dayKey(range.to),
        });
      }
      this.#announced = shown;
    }
  }

  protected override updated(): void {
    if (this.#focusCell) {
      this.#focusCell = false;
      this.renderRoot.querySelector<HTMLElement>('[part~="day"][tabindex="0"]')?.focus();
    }
    if (this.#focusPanel) {
      this.#focusPanel = false;
      this.renderRoot.querySelector<HTMLElement>('.day-title')?.focus();
    }
  }

  get #locale(): string | undefined {
    return localeOf(this);
  }

  get #firstDay(): IsoWeekday {
    return firstDayOfWeek(this.#locale);
  }

  #range(): VisibleRange {
    return visibleRange(this.view, this.focused, this.#firstDay);
  }

  /** Items of the last good load: kept on screen while the next range loads. */
  get #items(): readonly CalendarItem[] {
    return this.#calendar.value ?? [];
  }

  /** Reload the current range (e.g. after the host changed something). */
  reload(): void {
    // A reload is a fresh look at the range: announce it again.
    this.#announced = '';
    void this.#calendar.run();
  }

  // -- rendering ---------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const range = this.#range();
    const status = this.#calendar.state.status;
    return html`<div part="container" class="container" aria-busy=${status === 'loading' ? 'true' : 'false'}>
      ${this.#renderToolbar(range)} ${this.#renderStatus(range)}
      ${status === 'error'
        ? nothing
        : this.view === 'agenda'
          ? this.#renderAgenda(range)
          : this.#renderGrid(range)}
      ${status === 'error' ? nothing : this.#renderDayPanel()}
    </div>`;
  }

  #title(range: VisibleRange): string {
    const locale = this.#locale;
    if (this.view === 'week') {
      const fmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric' });
      return fmt.formatRange(range.from, addDays(range.to, -1));
    }
    return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(this.focused);
  }

  #renderToolbar(range: VisibleRange): TemplateResult {
    const unit = this.view === 'week' ? 'week' : 'month';
    return html`<div part="toolbar" class="toolbar">
      <div class="group">
        <button part="button" type="button" aria-label="Previous ${unit}" @click=${() => this.#step(-1)}>
          <span aria-hidden="true">‹</span>
        </button>
        <button part="button" type="button" @click=${this.#today}>Today</button>
        <button part="button" type="button" aria-label="Next ${unit}" @click=${() => this.#step(1)}>
          <span aria-hidden="true">›</span>
        </button>
      </div>
      <h2 part="title" class="title" id="title" aria-live="polite">${this.#title(range)}</h2>
      <div class="group" role="group" aria-label="View">
        ${(['month', 'week', 'agenda'] as const).map(
          (v) =>
            html`<button
              part="button"
              type="button"
              aria-pressed=${this.view === v ? 'true' : 'false'}
              @click=${() => this.#setView(v)}
            >
              ${v === 'month' ? 'Month' : v === 'week' ? 'Week' : 'Agenda'}
            </button>`,
        )}
      </div>
    </div>`;
  }

  #scopeWords(): string {
    if (this.serviceId) return 'this service';
    if (this.teamId) return 'this team';
    if (this.businessUnitId) return 'this business unit';
    return 'anything you may read';
  }

  #renderStatus(range: VisibleRange): TemplateResult | typeof nothing {
    const state = this.#calendar.state;
    switch (state.status) {
      case 'loading':
        return html`<p class="note" role="status">Loading the calendar…</p>`;
      case 'error':
        return renderFailure(state.error, 'the release calendar', () => this.reload());
      case 'ready':
        if (state.data.length === 0) {
          return html`<p part="empty" class="note" role="status">
            Nothing is planned for ${this.#scopeWords()} in ${this.#title(range)}: no windows,
            freezes or conflicts.
          </p>`;
        }
        return nothing;
    }
  }

  #renderGrid(range: VisibleRange): TemplateResult {
    const locale = this.#locale;
    const long = new Intl.DateTimeFormat(locale, { weekday: 'long' });
    const short = new Intl.DateTimeFormat(locale, { weekday: 'short' });
    const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full' });
    const today = startOfDay(new Date());
    const focusKey = dayKey(this.focused);
    const month = this.focused.getMonth();
    const week = this.view === 'week';
    return html`<table
      part="grid"
      class="grid ${week ? 'week' : 'month'}"
      role="grid"
      aria-labelledby="title"
      @keydown=${this.#onGridKey}
    >
      <thead>
        <tr role="row">
          ${range.days.slice(0, 7).map(
            (d) =>
              html`<th role="columnheader" scope="col">
                <span aria-hidden="true">${short.format(d)}</span
                ><span class="sr-only">${long.format(d)}</span>
              </th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${weeks(range.days).map(
          (row) =>
            html`<tr role="row">
              ${row.map((d) => {
                const key = dayKey(d);
                const items = itemsOnDay(this.#items, d);
                const frozen = items.some((i) => i.type === 'freeze');
                const shown = week ? items : items.slice(0, CELL_LIMIT);
                const more = items.length - shown.length;
                const classes = [
                  !week && d.getMonth() !== month ? 'outside' : '',
                  sameDay(d, today) ? 'today' : '',
                  frozen ? 'frozen' : '',
                ].join(' ');
                return html`<td
                  part="day"
                  role="gridcell"
                  class=${classes}
                  data-day=${key}
                  tabindex=${key === focusKey ? '0' : '-1'}
                  aria-selected=${this.opened === key ? 'true' : 'false'}
                  aria-current=${sameDay(d, today) ? 'date' : nothing}
                  @click=${() => this.#open(d, false)}
                >
                  <span class="number" aria-hidden="true">${d.getDate()}</span>
                  <span class="sr-only"
                    >${full.format(d)}${items.length
                      ? `: ${summarise(items)}${frozen ? ', frozen' : ''}.`
                      : ''}</span
                  >
                  ${items.length
                    ? html`<ul class="chips" aria-hidden="true">
                        ${shown.map((item) => this.#renderChip(item, week))}
                        ${more > 0 ? html`<li part="chip" class="chip more">+${more} more</li>` : nothing}
                      </ul>`
                    : nothing}
                </td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #chipClass(item: CalendarItem): string {
    const severity =
      item.type === 'conflict'
        ? item.severity.toLowerCase()
        : item.type === 'window' && item.conflict
          ? item.conflict.toLowerCase()
          : '';
    return `${item.type} ${severity}`;
  }

  #renderChip(item: CalendarItem, withTime: boolean): TemplateResult {
    const time = withTime && item.type !== 'freeze' ? `${this.#time(item.start)} ` : '';
    const flag = item.type === 'window' && item.conflict ? ' ⚠' : '';
    return html`<li part="chip" class="chip ${this.#chipClass(item)}" title=${itemTitle(item)}>
      ${time}${itemTitle(item)}${flag}
    </li>`;
  }

  #renderAgenda(range: VisibleRange): TemplateResult {
    const full = new Intl.DateTimeFormat(this.#locale, { dateStyle: 'full' });
    const days = range.days
      .map((d) => ({ day: d, items: itemsOnDay(this.#items, d) }))
      .filter((entry) => entry.items.length > 0);
    return html`<ol part="agenda" class="agenda" aria-labelledby="title">
      ${days.map(
        ({ day, items }) =>
          html`<li data-day=${dayKey(day)}>
            <h3>${full.format(day)}</h3>
            ${this.#renderItems(items)}
          </li>`,
      )}
    </ol>`;
  }

  #renderDayPanel(): TemplateResult | typeof nothing {
    const day = parseDay(this.opened);
    if (!day || this.view === 'agenda') {
      return nothing;
    }
    const items = itemsOnDay(this.#items, day);
    const full = new Intl.DateTimeFormat(this.#locale, { dateStyle: 'full' });
    return html`<section
      part="day-panel"
      class="day-panel"
      aria-labelledby="day-title"
      @keydown=${this.#onPanelKey}
    >
      <div class="day-head">
        <h3 class="day-title" id="day-title" tabindex="-1">${full.format(day)}</h3>
        <button part="button" type="button" @click=${() => this.#close()}>Close</button>
      </div>
      ${items.length
        ? this.#renderItems(items)
        : html`<p class="note">Nothing is planned on this day.</p>`}
    </section>`;
  }

  #renderItems(items: readonly CalendarItem[]): TemplateResult {
    return html`<ul class="items">
      ${items.map((item) => html`<li>${this.#renderItem(item)}</li>`)}
    </ul>`;
  }

  #renderItem(item: CalendarItem): TemplateResult {
    const body = html`<span class="item-title">${itemTitle(item)}</span>
      <span class="badge">${itemKind(item)}</span>
      ${item.type === 'window' && item.conflict
        ? html`<span class="badge">${item.conflict.toLowerCase()} conflict</span>`
        : nothing}
      <span class="item-meta">${this.#when(item)}</span>
      ${this.#details(item)}`;
    const cls = `item ${this.#chipClass(item)}`;
    switch (item.type) {
      case 'window':
        return html`<button
          part="item"
          type="button"
          class=${cls}
          @click=${() =>
            this.emit('sb-window-selected', {
              windowId: item.window.id,
              window: item.window,
            })}
        >
          ${body}
        </button>`;
      case 'freeze':
        return html`<button
          part="item"
          type="button"
          class=${cls}
          @click=${() =>
            this.emit('sb-freeze-selected', {
              freezeId: item.freeze.freezeId,
              occurrence: item.freeze,
            })}
        >
          ${body}
        </button>`;
      case 'conflict':
        return html`<button
          part="item"
          type="button"
          class=${cls}
          @click=${() =>
            this.emit('sb-conflict-selected', {
              firstWindowId: item.conflicts[0]?.first.id ?? '',
              secondWindowId: item.conflicts[0]?.second.id ?? '',
              conflicts: item.conflicts,
            })}
        >
          ${body}
        </button>`;
      default:
        return html`<div part="item" class=${cls}>${body}</div>`;
    }
  }

  #time(d: Date): string {
    return new Intl.DateTimeFormat(this.#locale, { hour: '2-digit', minute: '2-digit' }).format(d);
  }

  #when(item: CalendarItem): string {
    const locale = this.#locale;
    if (item.end.getTime() <= item.start.getTime()) {
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
        item.start,
      );
    }
    const oneDay = sameDay(item.start, new Date(item.end.getTime() - 1));
    const fmt = oneDay
      ? new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })
      : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return fmt.formatRange(item.start, item.end);
  }

  #details(item: CalendarItem): TemplateResult | typeof nothing {
    const meta = (text: string): TemplateResult => html`<span class="item-meta">${text}</span>`;
    switch (item.type) {
      case 'window': {
        const w = item.window;
        const parts = [
          w.environment ? `Environment: ${w.environment}` : '',
          w.services.length ? `Services: ${w.services.map((s) => s.name).join(', ')}` : '',
          w.resources.length ? `Resources: ${w.resources.join(', ')}` : '',
          w.businessUnit ? `Business unit: ${w.businessUnit.name}` : '',
        ].filter(Boolean);
        return parts.length ? meta(parts.join(' · ')) : nothing;
      }
      case 'freeze': {
        const f = item.freeze;
        const parts = [
          f.freeze?.reason ?? '',
          f.rrule ? 'Recurring' : 'One-off',
          f.freeze ? `Scope: ${f.freeze.scope === 'BU' ? 'business unit' : humanise(f.freeze.scope)}` : '',
          f.status !== 'APPROVED' ? `Status: ${humanise(f.status)}` : '',
        ].filter(Boolean);
        return meta(parts.join(' · '));
      }
      case 'conflict':
        return html`${item.conflicts.map((c) =>
          meta(
            [
              `${humanise(c.kind)} (${c.severity.toLowerCase()})`,
              c.services.length ? `services: ${c.services.map((s) => s.name).join(', ')}` : '',
              c.resources.length ? `resources: ${c.resources.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join(' · '),
          ),
        )}`;
      case 'vendor-release':
        return item.vendorRelease.flagged
          ? meta('Flagged: attestations missing or it falls into a freeze')
          : nothing;
      case 'production-change':
        return item.change.environment ? meta(`Environment: ${item.change.environment}`) : nothing;
      case 'deployment':
        return meta(
          `${humanise(item.deployment.kind)} of ${item.deployment.artifactRef} to ${item.deployment.environmentRef}`,
        );
      case 'incident':
        return meta(`${humanise(item.incident.status)}: ${item.incident.description}`);
    }
  }

  // -- interaction -------------------------------------------------------------------------

  #step(direction: 1 | -1): void {
    this.focused =
      this.view === 'week' ? addDays(this.focused, 7 * direction) : addMonths(this.focused, direction);
    this.opened = null;
  }

  #today(): void {
    this.focused = startOfDay(new Date());
    this.opened = null;
  }

  #setView(view: CalendarView): void {
    this.view = view;
    this.opened = null;
  }

  #open(day: Date, moveFocus: boolean): void {
    this.focused = day;
    this.opened = dayKey(day);
    this.#focusPanel = moveFocus;
    this.emit('sb-day-selected', {
      date: dayKey(day),
      items: itemsOnDay(this.#items, day),
    });
  }

  #close(): void {
    this.opened = null;
    this.#focusCell = true;
  }

  #onGridKey = (event: KeyboardEvent): void => {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.#open(this.focused, true);
      return;
    }
    if (event.key === 'Escape' && this.opened) {
      event.preventDefault();
      this.opened = null;
      return;
    }
    let key = event.key;
    if (getComputedStyle(this).direction === 'rtl') {
      key = key === 'ArrowLeft' ? 'ArrowRight' : key === 'ArrowRight' ? 'ArrowLeft' : key;
    }
    const next = moveByKey(key, this.focused, this.#firstDay, { shiftKey: event.shiftKey });
    if (next) {
      event.preventDefault();
      this.focused = next;
      this.#focusCell = true;
    }
  };

  #onPanelKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.#close();
    }
  };
}
