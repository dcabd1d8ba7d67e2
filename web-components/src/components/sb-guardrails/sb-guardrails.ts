import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { describeError, humanise, isDenied, localeOf, renderFailure } from '../../base/view-state.js';
import { SignalboxError, asSignalboxError } from '../../data/errors.js';
import {
  controlFor,
  draftOf,
  idsAnything,
  idsNoun,
  memberLabel,
  normalisedStored,
  parseDraft,
  sameValue,
  withUnit,
  type Control,
  type Draft,
  type GuardrailField,
} from './guardrail-fields.js';
import {
  GUARDRAILS_SAVE,
  GUARDRAILS_OF_SERVICE_QUERY,
  GUARDRAILS_QUERY,
  type Effective,
  type GuardrailSet,
  type GuardrailsQuery,
  type SaveMutation,
  type Values,
} from './queries.js';
import { styles } from './sb-guardrails.styles.js';

interface Loaded {
  readonly catalog: readonly GuardrailField[];
  readonly core: Values | null;
  readonly set: GuardrailSet;
  readonly canEdit: boolean;
  readonly effective: ReadonlyMap<string, Effective> | null;
  readonly serviceName: string | null;
}

/** Detail of `sb-guardrails-saved`. */
export interface SbGuardrailsSavedDetail {
  readonly businessUnitId: string;
  readonly version: number;
  /** The keys sent, with the values saved (null: the BU no longer tightens it). */
  readonly values: Values;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-guardrails-saved': CustomEvent<SbGuardrailsSavedDetail>;
  }
}

interface Problem {
  readonly field: string | null;
  readonly message: string;
  readonly code: string;
}

function fieldId(key: string): string {
  return `gr-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

/**
 * A business unit's guardrails: each value the core sets, what the BU
 * tightens, and (with `service-id`) what is in force for a service and where
 * each value comes from. A BU admin (or the RMO) may edit the BU's values; the
 * editor only offers values at least as strict as the core's, and shows the
 * API's per-field refusals. Anyone else sees it read-only.
 *
 * @fires sb-guardrails-saved - A new version was saved; detail `{ businessUnitId, version, values }`.
 * @fires sb-error - The guardrails could not be loaded; detail `{ code, message }`.
 * @csspart container - The box around everything.
 * @csspart table - The guardrails table.
 * @csspart row - One guardrail's row.
 * @csspart source - Where an in-force value comes from.
 * @csspart edit-button - The button that opens the editor.
 * @csspart save-button - The editor's save button.
 * @csspart field-error - A per-field message (client or API).
 * @csspart summary - The list of problems after a refused save.
 * @csspart read-only - The note saying why the viewer cannot edit.
 * @csspart error - The message shown when loading failed or was denied.
 * @cssprop --sb-color-warning - Values the core has made invalid (default #9a6700).
 * @cssprop --sb-color-success - The saved message (default #1a7f37).
 */
export class SbGuardrails extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'business-unit-id' })
  businessUnitId: string | null | undefined;

  /** Also show what is in force for this service, and each value's source. */
  @property({ attribute: 'service-id' })
  serviceId: string | null | undefined;

  @state()
  private editing = false;

  @state()
  private drafts = new Map<string, Draft>();

  @state()
  private note = '';

  @state()
  private problems: readonly Problem[] = [];

  @state()
  private saving = false;

  @state()
  private saved: number | null = null;

  readonly #guardrails = new LoadController(this, {
    args: () => [this.businessUnitId, this.serviceId] as const,
    task: ([bu, serviceId], signal) => this.#fetch(bu, serviceId, signal),
  });
  #focusSummary = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another business unit, service or user: whatever was being edited no longer applies.
    if (
      changed.has('apiUrl') ||
      changed.has('tokenProvider') ||
      changed.has('businessUnitId') ||
      changed.has('serviceId')
    ) {
      this.editing = false;
      this.saved = null;
    }
  }

  protected override updated(): void {
    if (this.#focusSummary) {
      this.#focusSummary = false;
      this.renderRoot.querySelector<HTMLElement>('.summary')?.focus();
    }
  }

  /** Load again (e.g. after the host changed the core). */
  reload(): void {
    void this.#guardrails.run();
  }

  get #locale(): string | undefined {
    return localeOf(this);
  }

  async #fetch(
    bu: string | null | undefined,
    serviceId: string | null | undefined,
    signal: AbortSignal,
  ): Promise<Loaded> {
    if (!bu) {
      throw new SignalboxError('NOT_CONFIGURED', '<sb-guardrails> needs a business-unit-id attribute.');
    }
    const withService = Boolean(serviceId);
    const data = await this.client.request<GuardrailsQuery>(
      withService ? GUARDRAILS_OF_SERVICE_QUERY : GUARDRAILS_QUERY,
      withService ? { bu, service: serviceId } : { bu },
      { signal },
    );
    if (withService && data.service?.__typename !== 'Service') {
      throw new SignalboxError('NOT_FOUND', 'Service not found.');
    }
    const canEdit =
      data.guardrailCore !== null &&
      data.viewer.grants.some(
        (g) =>
          (g.role === 'ORG_ADMIN' && (g.businessUnit === null || g.businessUnit.id === bu)) ||
          (g.role === 'BU_ADMIN' && g.businessUnit?.id === bu),
      );
    return {
      catalog: data.guardrailCatalog,
      core: data.guardrailCore?.values ?? null,
      set: data.guardrailSet,
      canEdit,
      effective: data.effectiveGuardrails ? new Map(data.effectiveGuardrails.map((e) => [e.key, e])) : null,
      serviceName: data.service?.name ?? null,
    };
  }

  // -- rendering ---------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const busy = this.#guardrails.state.status === 'loading' || this.saving;
    return html`<div part="container" class="container" aria-busy=${busy ? 'true' : 'false'}>
      ${this.#renderState()}
    </div>`;
  }

  #renderState(): TemplateResult {
    const state = this.#guardrails.state;
    switch (state.status) {
      case 'loading':
        return html`<p class="note" role="status">Loading the guardrails…</p>`;
      case 'error':
        return renderFailure(state.error, "this business unit's guardrails", () => this.reload());
      case 'ready':
        return this.#renderLoaded(state.data);
    }
  }

  #buName(data: Loaded): string {
    return data.set.businessUnit?.name ?? 'this business unit';
  }

  #renderLoaded(data: Loaded): TemplateResult {
    const when = data.set.updatedAt
      ? new Intl.DateTimeFormat(this.#locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
          new Date(data.set.updatedAt),
        )
      : null;
    return html`<div class="head">
        <h2 id="gr-title">Guardrails of ${this.#buName(data)}</h2>
        ${data.canEdit && !this.editing
          ? html`<button part="edit-button" type="button" @click=${() => this.#startEditing(data)}>
              Edit guardrails
            </button>`
          : nothing}
      </div>
      <p class="meta">
        ${data.set.version === 0
          ? `${this.#buName(data)} has not tightened any guardrail: the core applies.`
          : `Version ${data.set.version}${when ? `, saved ${when}` : ''}${
              data.set.updatedBy ? ` by ${data.set.updatedBy.displayName}` : ''
            }${data.set.note ? `: “${data.set.note}”` : ''}`}
      </p>
      ${this.saved !== null
        ? html`<p class="saved" role="status">Saved version ${this.saved}.</p>`
        : nothing}
      ${data.canEdit
        ? nothing
        : html`<p part="read-only" class="note">
            Read-only: only ${this.#buName(data)}'s BU admins and the release management office
            may change these guardrails, and only to make them stricter than the core.
          </p>`}
      ${this.editing ? this.#renderEditor(data) : this.#renderTable(data, false)}`;
  }

  #renderTable(data: Loaded, editing: boolean): TemplateResult {
    const withService = data.effective !== null;
    return html`<table part="table" aria-labelledby="gr-title">
      <thead>
        <tr>
          <th scope="col">Guardrail</th>
          <th scope="col">Core</th>
          <th scope="col">${this.#buName(data)}</th>
          ${withService ? html`<th scope="col">In force for ${data.serviceName}</th>` : nothing}
        </tr>
      </thead>
      <tbody>
        ${data.catalog.map((field) => this.#renderRow(data, field, editing))}
      </tbody>
    </table>`;
  }

  #renderRow(data: Loaded, field: GuardrailField, editing: boolean): TemplateResult {
    const core = data.core?.[field.key];
    const stored = data.set.values[field.key];
    const conflict = data.set.conflicts.find((c) => c.key === field.key);
    const effective = data.effective?.get(field.key);
    const id = fieldId(field.key);
    return html`<tr part="row" data-key=${field.key}>
      <th scope="row">
        ${editing
          ? html`<label class="label" for=${id} id=${`${id}-label`}>${field.description}</label>`
          : html`<span class="label">${field.description}</span>`}
        <span class="key">${field.key}</span>
      </th>
      <td>${data.core ? this.#describe(field, core) : html`<span class="note">not yours to see</span>`}</td>
      <td>
        ${editing
          ? this.#renderControl(field, core)
          : stored === undefined || stored === null
            ? html`<span class="locked">core applies</span>`
            : this.#describe(field, stored)}
        ${conflict
          ? html`<span class="conflict">${conflict.message} The core's value applies.</span>`
          : nothing}
      </td>
      ${effective
        ? html`<td>
            ${this.#describe(field, effective.value)}
            <span part="source" class="source ${effective.source.startsWith('bu:') ? 'bu' : ''}"
              >${this.#sourceLabel(effective.source, data)}</span
            >
            ${effective.contributions.length > 1
              ? html`<span class="hint"
                  >${effective.contributions
                    .map(
                      (c) =>
                        `${c.members.map((m) => memberLabel(field, m, humanise)).join(', ')} (${this.#sourceLabel(c.source, data)})`,
                    )
                    .join('; ')}</span
                >`
              : nothing}
          </td>`
        : data.effective
          ? html`<td></td>`
          : nothing}
    </tr>`;
  }

  #sourceLabel(source: string, data: Loaded): string {
    if (source === 'core') return 'core';
    if (source.startsWith('bu:')) {
      const key = source.slice(3);
      return data.set.businessUnit?.key === key ? `${data.set.businessUnit.name} BU` : `${key} BU`;
    }
    if (source.startsWith('profile:')) return `${humanise(source.slice(8))} tier profile`;
    return source;
  }

  #describe(field: GuardrailField, value: unknown): string {
    if (value === null || value === undefined) {
      return field.strictness === 'SUBSET' ? 'any' : 'none';
    }
    switch (field.valueType) {
      case 'INTEGER':
        return withUnit(field.unit, Number(value), this.#locale);
      case 'BOOLEAN':
        if (field.strictness === 'PERMIT') return value ? 'allowed' : 'not allowed';
        return value ? 'yes' : 'no';
      case 'RISK_LEVEL':
        return `${humanise(String(value))} and above`;
      case 'MEMBERS': {
        const list = Array.isArray(value) ? value.map(String) : [];
        if (list.length === 0) return 'none';
        return list.map((m) => memberLabel(field, m, humanise)).join(', ');
      }
    }
  }

  #draft(field: GuardrailField): Draft {
    return this.drafts.get(field.key) ?? '';
  }

  #setDraft(key: string, value: Draft): void {
    const next = new Map(this.drafts);
    next.set(key, value);
    this.drafts = next;
    this.saved = null;
    // A corrected field drops its message; the rest stay until the next save.
    this.problems = this.problems.filter((p) => p.field !== key);
  }

  #problemFor(key: string): Problem | undefined {
    return this.problems.find((p) => p.field === key);
  }

  #renderControl(field: GuardrailField, core: unknown): TemplateResult {
    const control: Control = controlFor(field, core);
    const id = fieldId(field.key);
    const problem = this.#problemFor(field.key);
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const describedBy = problem ? `${errorId} ${hintId}` : hintId;
    const error = problem
      ? html`<span part="field-error" class="field-error" id=${errorId}>${problem.message}</span>`
      : nothing;
    const draft = this.#draft(field);
    switch (control.kind) {
      case 'number':
        return html`<input
            id=${id}
            type="number"
            inputmode="numeric"
            step="1"
            min=${control.min}
            max=${control.max}
            .value=${typeof draft === 'string' ? draft : ''}
            placeholder=${typeof core === 'number' ? String(core) : ''}
            aria-invalid=${problem ? 'true' : 'false'}
            aria-describedby=${describedBy}
            @input=${(e: Event) => this.#setDraft(field.key, (e.target as HTMLInputElement).value)}
          />
          <span class="hint" id=${hintId}
            >${this.#numberHint(field, control, core)} Empty: the core's value applies.</span
          >
          ${error}`;
      case 'choice':
        return html`<select
            id=${id}
            .value=${typeof draft === 'string' ? draft : ''}
            aria-invalid=${problem ? 'true' : 'false'}
            aria-describedby=${describedBy}
            @change=${(e: Event) => this.#setDraft(field.key, (e.target as HTMLSelectElement).value)}
          >
            <option value="" ?selected=${draft === ''}>Core applies (${this.#describe(field, core)})</option>
            ${control.options.map(
              (o) =>
                html`<option value=${o.value} ?selected=${draft === o.value}>
                  ${field.valueType === 'RISK_LEVEL' ? this.#describe(field, o.value) : o.label}
                </option>`,
            )}
          </select>
          <span class="hint" id=${hintId}>Only values at least as strict as the core's are offered.</span>
          ${error}`;
      case 'members': {
        const chosen = typeof draft === 'string' ? [] : draft;
        return html`<fieldset
            id=${id}
            tabindex="-1"
            aria-labelledby=${`${id}-label`}
            aria-describedby=${describedBy}
          >
            <div class="checks">
              ${control.locked.map(
                (m) =>
                  html`<label class="locked"
                    ><input type="checkbox" checked disabled /> ${humanise(m)}</label
                  >`,
              )}
              ${control.offered.map(
                (m) =>
                  html`<label
                    ><input
                      type="checkbox"
                      value=${m}
                      .checked=${chosen.includes(m)}
                      @change=${(e: Event) => {
                        const on = (e.target as HTMLInputElement).checked;
                        this.#setDraft(field.key, on ? [...chosen, m] : chosen.filter((x) => x !== m));
                      }}
                    />
                    ${humanise(m)}</label
                  >`,
              )}
            </div>
          </fieldset>
          <span class="hint" id=${hintId}
            >${control.locked.length
              ? "The core's members stay; you may add others."
              : 'None chosen: the core applies.'}</span
          >
          ${error}`;
      }
      case 'ids': {
        const what = idsNoun(field);
        return html`${control.locked.length
            ? html`<span class="locked">Core: ${control.locked.join(', ')}</span>`
            : nothing}
          <input
            id=${id}
            type="text"
            spellcheck="false"
            autocomplete="off"
            .value=${typeof draft === 'string' ? draft : ''}
            placeholder=${field.strictness === 'SUBSET' ? idsAnything(field) : 'None added'}
            aria-invalid=${problem ? 'true' : 'false'}
            aria-describedby=${describedBy}
            @input=${(e: Event) => this.#setDraft(field.key, (e.target as HTMLInputElement).value)}
          />
          <span class="hint" id=${hintId}
            >${what}, separated by commas.${control.within
              ? ` Only among the core's: ${control.within.join(', ')}.`
              : field.strictness === 'SUPERSET'
                ? control.locked.length
                  ? " The core's stay; you may add others."
                  : ' You may add some.'
                : ' Empty: the core applies.'}</span
          >
          ${error}`;
      }
      case 'fixed':
        return html`<span class="locked" id=${id} tabindex="-1">${control.reason}</span>`;
    }
  }

  #numberHint(field: GuardrailField, control: { min: number; max: number }, core: unknown): string {
    const fmt = (n: number): string => this.#describe(field, n);
    if (field.strictness === 'AT_LEAST') {
      return `At least ${fmt(control.min)}${control.min === core ? " (the core's value)" : ''}, at most ${fmt(control.max)}.`;
    }
    return `At most ${fmt(control.max)}${control.max === core ? " (the core's value)" : ''}, at least ${fmt(control.min)}.`;
  }

  #renderEditor(data: Loaded): TemplateResult {
    const problems = this.problems;
    const noteProblem = this.#problemFor('note');
    return html`<form novalidate @submit=${(e: Event) => this.#save(e, data)} aria-labelledby="gr-title">
      ${problems.length
        ? html`<div part="summary" class="summary" role="alert" tabindex="-1">
            <strong
              >The guardrails were not saved: ${problems.length}
              ${problems.length === 1 ? 'problem' : 'problems'}.</strong
            >
            <ul>
              ${problems.map(
                (p) =>
                  html`<li data-code=${p.code}>
                    ${p.field
                      ? html`<button type="button" class="link" @click=${() => this.#focusField(p.field)}>
                          ${this.#fieldLabel(data, p.field)}</button
                        >: `
                      : nothing}${p.message}
                  </li>`,
              )}
            </ul>
          </div>`
        : nothing}
      ${this.#renderTable(data, true)}
      <div class="actions">
        <div class="note-field">
          <label class="label" for="gr-note">Why (kept with the version)</label>
          <textarea
            id="gr-note"
            rows="2"
            required
            aria-required="true"
            .value=${this.note}
            aria-invalid=${noteProblem ? 'true' : 'false'}
            aria-describedby=${noteProblem ? 'gr-note-error' : nothing}
            @input=${(e: Event) => {
              this.note = (e.target as HTMLTextAreaElement).value;
              this.problems = this.problems.filter((p) => p.field !== 'note');
            }}
          ></textarea>
          ${noteProblem
            ? html`<span part="field-error" class="field-error" id="gr-note-error">${noteProblem.message}</span>`
            : nothing}
        </div>
        <button part="save-button" class="primary" type="submit" ?disabled=${this.saving}>
          ${this.saving ? 'Saving…' : 'Save guardrails'}
        </button>
        <button type="button" @click=${() => this.#cancel()}>Cancel</button>
      </div>
    </form>`;
  }

  #fieldLabel(data: Loaded, key: string): string {
    if (key === 'note') return 'Why';
    return (data.catalog.find((f) => f.key === key)?.description ?? key).replace(/\.$/, '');
  }

  #focusField(key: string | null): void {
    if (!key) return;
    const id = key === 'note' ? 'gr-note' : fieldId(key);
    const root = this.renderRoot as ShadowRoot;
    const target = root.getElementById(id);
    const focusable =
      target?.matches('input, select, textarea, button') === true
        ? target
        : (target?.querySelector<HTMLElement>('input:not([disabled])') ?? target);
    focusable?.focus();
  }

  // -- editing -----------------------------------------------------------------------------

  #startEditing(data: Loaded): void {
    const drafts = new Map<string, Draft>();
    for (const field of data.catalog) {
      drafts.set(field.key, draftOf(field, data.set.values[field.key], data.core?.[field.key]));
    }
    this.drafts = drafts;
    this.note = '';
    this.problems = [];
    this.saved = null;
    this.editing = true;
  }

  #cancel(): void {
    this.editing = false;
    this.problems = [];
  }

  async #save(event: Event, data: Loaded): Promise<void> {
    event.preventDefault();
    if (this.saving || !this.businessUnitId) {
      return;
    }
    const locale = this.#locale;
    const problems: Problem[] = [];
    const values: Record<string, unknown> = {};
    for (const field of data.catalog) {
      const core = data.core?.[field.key];
      const parsed = parseDraft(field, this.#draft(field), core, locale);
      if (!parsed.ok) {
        problems.push({ field: field.key, message: parsed.message, code: 'LOOSER_THAN_CORE' });
        continue;
      }
      const before = normalisedStored(field, data.set.values[field.key], core);
      if (!sameValue(parsed.value, before)) {
        values[field.key] = parsed.value;
      }
    }
    if (!this.note.trim()) {
      problems.push({ field: 'note', message: 'Say why the guardrails change.', code: 'NOTE_REQUIRED' });
    }
    if (problems.length === 0 && Object.keys(values).length === 0) {
      problems.push({ field: null, message: 'Nothing changed: there is nothing to save.', code: 'NO_CHANGE' });
    }
    if (problems.length) {
      this.problems = problems;
      this.#focusSummary = true;
      return;
    }
    this.saving = true;
    try {
      const result = await this.client.request<SaveMutation>(GUARDRAILS_SAVE, {
        input: {
          businessUnitId: this.businessUnitId,
          values,
          version: data.set.version,
          note: this.note.trim(),
        },
      });
      const payload = result.guardrailBusinessUnitUpdate;
      if (payload.errors.length || !payload.guardrailSet) {
        const known = new Set([...data.catalog.map((f) => f.key), 'note']);
        this.problems = payload.errors.map((e) => ({
          field: e.field && known.has(e.field) ? e.field : null,
          message: e.message,
          code: e.code,
        }));
        this.#focusSummary = true;
        return;
      }
      const version = payload.guardrailSet.version;
      this.editing = false;
      this.problems = [];
      this.emit('sb-guardrails-saved', {
        businessUnitId: this.businessUnitId,
        version,
        values,
      });
      await this.#guardrails.run();
      this.saved = version;
    } catch (error) {
      const failure = asSignalboxError(error);
      this.problems = [
        {
          field: null,
          message: isDenied(failure)
            ? 'You may not change these guardrails.'
            : describeError(failure, 'the change'),
          code: failure.code,
        },
      ];
      this.#focusSummary = true;
    } finally {
      this.saving = false;
    }
  }
}
