import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { formatDateTime, humanize } from '../../base/format.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { SignalboxError } from '../../data/errors.js';
import { reportStyles } from '../../styles/report.js';
import { TARGET_LABEL, postMortemState, progress, targetText, verification } from './post-mortem-data.js';
import { INCIDENT_POST_MORTEM_QUERY, POST_MORTEM_QUERY, type PostMortem, type PostMortemQuery } from './queries.js';

/**
 * A blameless post-mortem, to read: its state and due date, the incident and the change it is
 * attributed to, the impact, the contributing factors (systems and process, never a person),
 * the action items with what each changes and whether that change exists yet (an item closes
 * only when it does, verified, not declared), and the timeline from the audit trail,
 * deployments, alerts and incident events.
 *
 * @attr post-mortem-id - A PostMortem's global id.
 * @attr incident-id - Or an IncidentReport's global id: its post-mortem.
 * @fires sb-error - It could not be loaded; detail `{ code, message }`.
 * @csspart container - The whole component.
 * @csspart header - The title, severity and service.
 * @csspart state - Open, overdue or completed, with the due date (also `state-good`, `state-bad`, `state-waiting`).
 * @csspart incident - The incident and the change it is attributed to.
 * @csspart factors - The contributing factors.
 * @csspart actions - The action items (each `action`, also `action-done` or `action-open`).
 * @csspart timeline - The timeline.
 * @csspart message - The loading and empty messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbPostMortem extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, reportStyles];

  @property({ attribute: 'post-mortem-id' }) postMortemId: string | null | undefined;
  @property({ attribute: 'incident-id' }) incidentId: string | null | undefined;

  readonly #pm = new LoadController(this, {
    args: () => [this.postMortemId, this.incidentId] as const,
    task: ([id, incident], signal) => this.#fetch(id, incident, signal),
    reloadOnReconnect: true,
  });

  /** Asks again (the sweep closes action items as the changes they name appear). */
  refresh(): Promise<void> {
    return this.#pm.run();
  }

  protected override render(): TemplateResult {
    const state = this.#pm.state;
    return html`<article part="container" class="container" aria-label="Post-mortem"
      aria-busy=${state.status === 'loading' ? 'true' : 'false'}>
      ${state.status === 'loading'
        ? html`<p part="message" class="message" role="status">Opening the post-mortem…</p>`
        : state.status === 'error'
          ? renderFailure(state.error, 'this post-mortem', () => void this.#pm.run())
          : this.#renderPostMortem(state.data)}
    </article>`;
  }

  async #fetch(id: string | null | undefined, incident: string | null | undefined, signal: AbortSignal): Promise<PostMortem> {
    if (!id && !incident) {
      throw new SignalboxError('NOT_CONFIGURED', '<sb-post-mortem> needs a post-mortem-id or an incident-id.');
    }
    const data = await this.client.request<PostMortemQuery>(
      id ? POST_MORTEM_QUERY : INCIDENT_POST_MORTEM_QUERY,
      { id: id ?? incident },
      { signal },
    );
    const pm = data.postMortem;
    if (pm?.__typename !== 'PostMortem') {
      throw new SignalboxError('NOT_FOUND', id ? 'No post-mortem you may read has this id.' : 'This incident has no post-mortem you may read.');
    }
    return pm as PostMortem;
  }

  #renderPostMortem(pm: PostMortem): TemplateResult {
    const state = postMortemState(pm);
    const { done, total } = progress(pm);
    return html`<header part="header" class="header">
        <h2 class="title">${pm.title}</h2>
        <span class="tag">${pm.severity}</span>
        ${pm.service ? html`<span class="meta">${pm.service.name}</span>` : nothing}
      </header>
      <div part="state state-${state.tone}" class="state tone-${state.tone}" role="status">
        <span class="label">Post-mortem</span>
        <strong class="word">${state.word}</strong>
        <span>${pm.completedAt
          ? html`Completed <time datetime=${pm.completedAt}>${formatDateTime(this, pm.completedAt)}</time>`
          : html`Due <time datetime=${pm.dueAt}>${formatDateTime(this, pm.dueAt)}</time>`}
          · ${done} of ${total} action items done</span>
      </div>
      ${pm.summary ? html`<p class="message">${pm.summary}</p>` : nothing}
      <section part="incident" aria-labelledby="incident-h">
        <h3 id="incident-h">Incident and impact</h3>
        ${pm.incident
          ? html`<p class="message"><strong>${pm.incident.incidentRef}</strong> ${pm.incident.description} · detected
              <time datetime=${pm.incident.detectedAt}>${formatDateTime(this, pm.incident.detectedAt)}</time>${pm.incident
                .resolvedAt
                ? html`, resolved <time datetime=${pm.incident.resolvedAt}>${formatDateTime(this, pm.incident.resolvedAt)}</time>`
                : nothing}</p>`
          : nothing}
        <p class="message">${pm.attribution?.changeKind
          ? `Attributed to ${humanize(pm.attribution.changeKind).toLowerCase()}: ${pm.attribution.changeSummary} (${humanize(pm.attribution.status).toLowerCase()})`
          : 'Not attributed to a change.'}</p>
        <p>${pm.impact || html`<span class="muted">Impact not written yet.</span>`}</p>
      </section>
      <section part="factors" aria-labelledby="factors-h">
        <h3 id="factors-h">Contributing factors</h3>
        ${pm.factors.length
          ? html`<ul class="list">${pm.factors.map((f) => html`<li><span class="tag">${humanize(f.category)}</span> ${f.description}</li>`)}</ul>`
          : html`<p part="message" class="message">None recorded yet.</p>`}
      </section>
      <section part="actions" aria-labelledby="actions-h">
        <h3 id="actions-h">Action items</h3>
        ${pm.actionItems.length
          ? html`<ul class="list">
              ${pm.actionItems.map((item) => {
                const v = verification(item);
                return html`<li part="action ${v.done ? 'action-done' : 'action-open'}" data-status=${item.status}>
                  <strong>${item.title}</strong>
                  <span class="line muted">${TARGET_LABEL[item.targetKind]}: ${targetText(item)}</span>
                  <span class="line ${v.done ? 'good-text' : ''}">${v.text}${item.verifiedAt
                    ? html` · <time datetime=${item.verifiedAt}>${formatDateTime(this, item.verifiedAt)}</time>`
                    : nothing}</span>
                </li>`;
              })}
            </ul>`
          : html`<p part="message" class="message">No action item yet.</p>`}
      </section>
      <section part="timeline" aria-labelledby="timeline-h">
        <h3 id="timeline-h">Timeline</h3>
        ${pm.timeline.length
          ? html`<ol class="list">
              ${pm.timeline.map(
                (e) => html`<li><time datetime=${e.at}>${formatDateTime(this, e.at)}</time> <span class="tag">${e.kind}</span>
                  ${e.summary}</li>`,
              )}
            </ol>`
          : html`<p part="message" class="message">Nothing recorded.</p>`}
      </section>`;
  }
}
