import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { humanise, localeOf, renderFailure } from '../../base/view-state.js';
import { SignalboxError } from '../../data/errors.js';
import {
  TRAIN_BOARD_QUERY,
  type Cadence,
  type Departure,
  type Feature,
  type FeatureGraph,
  type Finding,
  type Train,
  type TrainBoardQuery,
} from './queries.js';
import { styles } from './sb-train-board.styles.js';
import { FINDING_LABEL, dependenciesOf, findingsByFeature } from './train-data.js';

/** Detail of `sb-feature-selected`. */
export interface SbFeatureSelectedDetail {
  readonly featureId: string;
  readonly feature: Feature;
}

/** Detail of `sb-departure-selected`. */
export interface SbDepartureSelectedDetail {
  readonly departureId: string;
  readonly departure: Departure;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-feature-selected': CustomEvent<SbFeatureSelectedDetail>;
    'sb-departure-selected': CustomEvent<SbDepartureSelectedDetail>;
  }
}

interface Board {
  readonly train: Train;
  readonly graph: FeatureGraph;
}

/** Departures asked for; the board hides past ones until asked. */
const DEPARTURES = 100;

/**
 * A release train's board: its departures with the features and releases on
 * each, the cross-team dependencies between features, and the misalignments
 * the API finds (a feature departing before what it depends on, a provider in
 * a later PI or on a later train, cycles).
 *
 * @fires sb-feature-selected - A feature was chosen; detail `{ featureId, feature }`.
 * @fires sb-departure-selected - A departure was chosen; detail `{ departureId, departure }`.
 * @fires sb-error - The board could not be loaded; detail `{ code, message }`.
 * @csspart container - The box around everything.
 * @csspart header - The train's name and cadence.
 * @csspart findings - The misalignments box.
 * @csspart finding - One misalignment.
 * @csspart departures - The departures table.
 * @csspart departure - A departure's row.
 * @csspart feature - A feature's button.
 * @csspart dependencies - The dependencies table.
 * @csspart dependency - A dependency's row.
 * @csspart empty - The message shown when the train has nothing planned.
 * @csspart error - The message shown when loading failed or was denied.
 * @cssprop --sb-color-warning - Misalignments (default #9a6700).
 * @cssprop --sb-color-success - Aligned dependencies and passed integration (default #1a7f37).
 */
export class SbTrainBoard extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  /** The train's global id. */
  @property({ attribute: 'train-id' })
  trainId: string | null | undefined;

  @state()
  private showPast = false;

  readonly #board = new LoadController(this, {
    args: () => [this.trainId] as const,
    task: async ([trainId], signal): Promise<Board> => {
      if (!trainId) {
        throw new SignalboxError('NOT_CONFIGURED', '<sb-train-board> needs a train-id attribute.');
      }
      const data = await this.client.request<TrainBoardQuery>(
        TRAIN_BOARD_QUERY,
        { id: trainId, first: DEPARTURES },
        { signal },
      );
      if (data.node?.__typename !== 'Train') {
        throw new SignalboxError('NOT_FOUND', 'Train not found.');
      }
      return { train: data.node as Train, graph: data.featureGraph };
    },
  });

  /** Load the board again (e.g. after the host changed a feature). */
  reload(): void {
    void this.#board.run();
  }

  protected override render(): TemplateResult {
    const busy = this.#board.state.status === 'loading';
    return html`<div part="container" class="container" aria-busy=${busy ? 'true' : 'false'}>
      ${this.#renderState()}
    </div>`;
  }

  #renderState(): TemplateResult {
    const state = this.#board.state;
    switch (state.status) {
      case 'loading':
        return html`<p class="note" role="status">Loading the train…</p>`;
      case 'error':
        return renderFailure(state.error, 'this train', () => this.reload());
      case 'ready':
        return this.#renderBoard(state.data);
    }
  }

  get #locale(): string | undefined {
    return localeOf(this);
  }

  #renderBoard({ train, graph }: Board): TemplateResult {
    const departures = train.departures.nodes;
    const features = graph.nodes.filter((f) => graph.inScope.includes(f.id));
    if (departures.length === 0 && features.length === 0) {
      return html`${this.#renderHeader(train)}
        <p part="empty" class="note" role="status">
          This train has no departures and no features yet.
        </p>`;
    }
    return html`${this.#renderHeader(train)} ${this.#renderFindings(graph)}
    ${this.#renderDepartures(train, graph)} ${this.#renderUnscheduled(features, graph)}
    ${this.#renderDependencies(graph, train.id)} ${this.#renderCriticalPaths(graph)}`;
  }

  #renderHeader(train: Train): TemplateResult {
    return html`<header part="header">
      <h2 id="train-title">${train.name}</h2>
      <p class="meta">
        ${[train.businessUnit?.name, `product domain ${train.productDomain}`, this.#cadence(train.cadence)]
          .filter(Boolean)
          .join(' · ')}
      </p>
    </header>`;
  }

  #cadence(cadence: Cadence): string {
    const when = `at ${cadence.departureTime} (${cadence.timeZone})`;
    const weekday =
      cadence.weekday === null
        ? 'the first weekday of the PI'
        : new Intl.DateTimeFormat(this.#locale, { weekday: 'long', timeZone: 'UTC' }).format(
            // 1 January 2024 was a Monday, weekday 0.
            new Date(Date.UTC(2024, 0, 1 + cadence.weekday)),
          );
    switch (cadence.kind) {
      case 'WEEKLY':
        return `departs weekly on ${weekday} ${when}`;
      case 'BI_WEEKLY':
        return `departs every other ${weekday} ${when}`;
      case 'MONTHLY':
        return `departs monthly ${when}`;
      case 'CUSTOM':
        return `departs on set dates ${when}`;
    }
  }

  #renderFindings(graph: FeatureGraph): TemplateResult {
    const byId = new Map(graph.nodes.map((f) => [f.id, f]));
    if (graph.findings.length === 0) {
      return html`<p class="note" role="status">
        <span class="pill ok">Aligned</span> Every dependency is delivered before the feature that
        needs it.
      </p>`;
    }
    const n = graph.findings.length;
    return html`<section part="findings" class="findings" aria-labelledby="findings-title">
      <h3 id="findings-title" class="warn">
        ${n} ${n === 1 ? 'misalignment' : 'misalignments'}
      </h3>
      <ul>
        ${graph.findings.map(
          (finding) =>
            html`<li part="finding" data-code=${finding.code}>
              <span class="finding-code">${FINDING_LABEL[finding.code]}:</span>
              ${finding.message}
              <span class="path">
                ${finding.featureIds.map((id, i) => {
                  const feature = byId.get(id);
                  return html`${i > 0 ? html`<span aria-hidden="true">→</span>` : nothing}
                  ${feature ? this.#featureButton(feature) : nothing}`;
                })}
              </span>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  #featureButton(feature: Feature): TemplateResult {
    return html`<button
      part="feature"
      type="button"
      class="link"
      @click=${() =>
        this.emit('sb-feature-selected', { featureId: feature.id, feature })}
    >
      ${feature.title}
    </button>`;
  }

  /** A finding in words from one feature's side: the consumer is misaligned, the provider is late for it. */
  #flagFor(feature: Feature, finding: Finding, graph: FeatureGraph): string {
    const consumerId = finding.featureIds[0];
    if (finding.code === 'CYCLE' || consumerId === feature.id) {
      return FINDING_LABEL[finding.code];
    }
    const consumer = graph.nodes.find((f) => f.id === consumerId);
    return `Needed earlier by ${consumer?.title ?? 'a dependent'}`;
  }

  #renderFeature(feature: Feature, flags: Map<string, Finding[]>, graph: FeatureGraph): TemplateResult {
    const found = flags.get(feature.id) ?? [];
    return html`<li class="feature" data-feature-id=${feature.id}>
      ${this.#featureButton(feature)}
      <span class="team">${feature.team?.name ?? ''}${feature.effort ? ` · ${feature.effort} pt` : ''}</span>
      ${feature.status === 'DONE' ? html`<span class="pill ok">done</span>` : nothing}
      ${found.length
        ? html`<span class="pill warn">${found.map((f) => this.#flagFor(feature, f, graph)).join('; ')}</span>`
        : nothing}
    </li>`;
  }

  #renderDepartures(train: Train, graph: FeatureGraph): TemplateResult {
    const flags = findingsByFeature(graph);
    const now = Date.now();
    const all = train.departures.nodes;
    const past = all.filter((d) => d.status !== 'SCHEDULED' && Date.parse(d.departsAt) < now);
    const shown = this.showPast ? all : all.filter((d) => !past.includes(d));
    const onBoard = new Map<string, Feature[]>();
    for (const feature of graph.nodes) {
      if (feature.departure && graph.inScope.includes(feature.id)) {
        const list = onBoard.get(feature.departure.id) ?? [];
        list.push(feature);
        onBoard.set(feature.departure.id, list);
      }
    }
    const when = new Intl.DateTimeFormat(this.#locale, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    return html`<h3 id="departures-title">Departures</h3>
      ${past.length
        ? html`<button
            type="button"
            aria-pressed=${this.showPast ? 'true' : 'false'}
            @click=${() => (this.showPast = !this.showPast)}
          >
            Show ${past.length} past ${past.length === 1 ? 'departure' : 'departures'}
          </button>`
        : nothing}
      ${shown.length === 0
        ? html`<p class="note">No departures are scheduled.</p>`
        : html`<table part="departures" aria-labelledby="departures-title">
            <thead>
              <tr>
                <th scope="col">Departure</th>
                <th scope="col">Departs</th>
                <th scope="col">Status</th>
                <th scope="col">Features</th>
                <th scope="col">Releases on board</th>
                <th scope="col">Integration</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map((d) => {
                const features = onBoard.get(d.id) ?? [];
                return html`<tr part="departure" class=${past.includes(d) ? 'past' : ''} data-departure-id=${d.id}>
                  <th scope="row">
                    <button
                      type="button"
                      class="link"
                      @click=${() =>
                        this.emit('sb-departure-selected', {
                          departureId: d.id,
                          departure: d,
                        })}
                    >
                      ${d.code}
                    </button>
                    <div class="team">${d.programIncrement?.name ?? ''}</div>
                  </th>
                  <td><time datetime=${d.departsAt}>${when.format(new Date(d.departsAt))}</time></td>
                  <td>${humanise(d.status)}</td>
                  <td>
                    ${features.length
                      ? html`<ul>
                          ${features.map((f) => this.#renderFeature(f, flags, graph))}
                        </ul>`
                      : html`<span class="team">none</span>`}
                  </td>
                  <td>
                    ${d.boardedReleases.length
                      ? html`<ul>
                          ${d.boardedReleases.map(
                            (r) => html`<li>${r.title} <span class="team">${humanise(r.status)}</span></li>`,
                          )}
                        </ul>`
                      : html`<span class="team">none</span>`}
                  </td>
                  <td>
                    <span class="pill ${d.integrationStatus.passed ? 'ok' : 'warn'}"
                      >${d.integrationStatus.passed ? 'passed' : 'not passed'}</span
                    >
                    <div class="team">${d.integrationStatus.reason}</div>
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`}
      ${train.departures.pageInfo.hasNextPage
        ? html`<p class="note">Only the first ${DEPARTURES} departures are shown.</p>`
        : nothing}`;
  }

  #renderUnscheduled(features: readonly Feature[], graph: FeatureGraph): TemplateResult | typeof nothing {
    const loose = features.filter((f) => !f.departure);
    if (loose.length === 0) {
      return nothing;
    }
    const flags = findingsByFeature(graph);
    return html`<h3>Features without a departure</h3>
      <ul>
        ${loose.map(
          (f) => html`${this.#renderFeature(f, flags, graph)}
            <span class="team">${f.programIncrement?.name ?? ''}</span>`,
        )}
      </ul>`;
  }

  #renderDependencies(graph: FeatureGraph, trainId: string): TemplateResult {
    const deps = dependenciesOf(graph);
    if (deps.length === 0) {
      return html`<h3>Dependencies</h3>
        <p class="note">No feature of this train depends on another team's feature.</p>`;
    }
    const when = new Intl.DateTimeFormat(this.#locale, { day: 'numeric', month: 'short' });
    const place = (f: Feature): string =>
      [
        f.team?.name,
        f.train && f.train.id !== trainId ? `train ${f.train.name}` : '',
        f.departure ? `departs ${when.format(new Date(f.departure.departsAt))}` : 'no departure',
      ]
        .filter(Boolean)
        .join(' · ');
    return html`<h3 id="dependencies-title">Cross-team dependencies</h3>
      <table part="dependencies" aria-labelledby="dependencies-title">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Depends on</th>
            <th scope="col">Check</th>
          </tr>
        </thead>
        <tbody>
          ${deps.map(
            (dep) =>
              html`<tr part="dependency" class=${dep.findings.length ? 'misaligned' : ''}>
                <td>
                  ${this.#featureButton(dep.consumer)}
                  <div class="team">${place(dep.consumer)}</div>
                </td>
                <td>
                  ${this.#featureButton(dep.provider)}
                  <div class="team">${place(dep.provider)}</div>
                </td>
                <td>
                  ${dep.findings.length
                    ? dep.findings.map(
                        (f) => html`<span class="pill warn">${FINDING_LABEL[f.code]}</span>`,
                      )
                    : html`<span class="pill ok">aligned</span>`}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }

  #renderCriticalPaths(graph: FeatureGraph): TemplateResult | typeof nothing {
    const byId = new Map(graph.nodes.map((f) => [f.id, f]));
    const number = new Intl.NumberFormat(this.#locale);
    const paths = graph.criticalPaths.filter((p) => p.featureIds.length > 1);
    if (paths.length === 0) {
      return nothing;
    }
    return html`<h3>Critical paths</h3>
      <ul>
        ${paths.map(
          (p) =>
            html`<li class="path">
              <span>${p.programIncrement?.name ?? ''} (${number.format(p.totalEffort)} points):</span>
              ${p.featureIds.map((id, i) => {
                const f = byId.get(id);
                return html`${i > 0 ? html`<span aria-hidden="true">→</span>` : nothing}
                  <span>${f?.title ?? id}</span>`;
              })}
            </li>`,
        )}
      </ul>`;
  }
}
