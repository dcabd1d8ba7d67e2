/**
 * What a BU editor may offer for each guardrail, given the core: the
 * tighten-only rule of domain/guardrails/lattice.py seen from the editor.
 * Pure functions; the API stays the judge (it refuses a looser value with
 * GUARDRAIL_LOOSER_THAN_CORE), these only keep the editor from offering one.
 */

export type Strictness =
  | 'AT_LEAST'
  | 'AT_MOST'
  | 'SUPERSET'
  | 'SUBSET'
  | 'REQUIRE'
  | 'PERMIT'
  | 'LEVEL_AT_MOST';

export type ValueType = 'INTEGER' | 'MEMBERS' | 'BOOLEAN' | 'RISK_LEVEL';

/** A catalog entry (`guardrailCatalog`). */
export interface GuardrailField {
  readonly key: string;
  readonly description: string;
  readonly strictness: Strictness;
  readonly valueType: ValueType;
  readonly unit: string;
  readonly minimum: number | null;
  readonly maximum: number | null;
  readonly members: readonly string[] | null;
  readonly spdx: boolean;
  /** Members are people's usernames (free ids, like SPDX ones, but never humanised). */
  readonly usernames: boolean;
  readonly nullable: boolean;
  readonly default: unknown;
}

/** The editor's raw state of one field: text for inputs, chosen members for checkboxes. */
export type Draft = string | readonly string[];

/** How a field is edited. */
export type Control =
  | { readonly kind: 'number'; readonly min: number; readonly max: number }
  | { readonly kind: 'choice'; readonly options: readonly { value: string; label: string }[] }
  | { readonly kind: 'members'; readonly locked: readonly string[]; readonly offered: readonly string[] }
  /** Free ids (SPDX licences, usernames): typed, comma-separated. */
  | { readonly kind: 'ids'; readonly locked: readonly string[]; readonly within: readonly string[] | null }
  | { readonly kind: 'fixed'; readonly reason: string };

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The control for a field under the given core value. */
export function controlFor(field: GuardrailField, core: unknown): Control {
  const min = field.minimum ?? 0;
  const max = field.maximum ?? Number.MAX_SAFE_INTEGER;
  switch (field.strictness) {
    case 'AT_LEAST':
      return { kind: 'number', min: Math.max(min, num(core, min)), max };
    case 'AT_MOST':
      return { kind: 'number', min, max: Math.min(max, num(core, max)) };
    case 'REQUIRE':
      return core === true
        ? { kind: 'fixed', reason: 'The core already requires it.' }
        : { kind: 'choice', options: [{ value: 'true', label: 'Required' }] };
    case 'PERMIT':
      return core === false
        ? { kind: 'fixed', reason: 'The core already forbids it.' }
        : { kind: 'choice', options: [{ value: 'false', label: 'Not allowed' }] };
    case 'LEVEL_AT_MOST': {
      const levels = field.members ?? [];
      const bound = levels.indexOf(String(core));
      const allowed = bound < 0 ? levels : levels.slice(0, bound + 1);
      return { kind: 'choice', options: allowed.map((l) => ({ value: l, label: l })) };
    }
    case 'SUPERSET': {
      const locked = asList(core);
      if (field.members === null) {
        return { kind: 'ids', locked, within: null };
      }
      return { kind: 'members', locked, offered: field.members.filter((m) => !locked.includes(m)) };
    }
    case 'SUBSET': {
      const within = core === null || core === undefined ? null : asList(core);
      if (field.members === null) {
        return { kind: 'ids', locked: [], within };
      }
      return { kind: 'members', locked: [], offered: within ?? field.members };
    }
  }
}

function splitIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))].sort();
}

/** The editor's starting state for a field from the BU's stored value (undefined: not set). */
export function draftOf(field: GuardrailField, stored: unknown, core: unknown): Draft {
  if (stored === undefined || stored === null) {
    return field.valueType === 'MEMBERS' && field.members !== null ? [] : '';
  }
  switch (field.valueType) {
    case 'INTEGER':
    case 'RISK_LEVEL':
    case 'BOOLEAN':
      return String(stored);
    case 'MEMBERS': {
      const additions =
        field.strictness === 'SUPERSET'
          ? asList(stored).filter((m) => !asList(core).includes(m))
          : asList(stored);
      return field.members === null ? additions.join(', ') : additions;
    }
  }
}

export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** A number with the field's unit: `24 hours`, `1 hour`, `60%`. */
export function withUnit(unit: string, n: number, locale: string | undefined): string {
  const formatted = new Intl.NumberFormat(locale).format(n);
  if (unit === '%') return `${formatted}%`;
  if (!unit) return formatted;
  // Units come plural from the catalog (hours, approvals); one of them is singular.
  const word = n === 1 && /[^s]s$/.test(unit) ? unit.slice(0, -1) : unit;
  return `${formatted} ${word}`;
}

function unitWords(field: GuardrailField, n: number, locale: string | undefined): string {
  return withUnit(field.unit, n, locale);
}

/**
 * The value to save for a field from its draft (null: the BU does not tighten
 * it, the core applies), or why the editor refuses it, naming the bound.
 */
export function parseDraft(
  field: GuardrailField,
  draft: Draft,
  core: unknown,
  locale?: string,
): Parsed {
  const control = controlFor(field, core);
  if (typeof draft !== 'string') {
    const chosen = [...new Set(draft)].sort();
    if (control.kind === 'members') {
      const outside = chosen.filter((m) => !control.offered.includes(m) && !control.locked.includes(m));
      if (outside.length) {
        return { ok: false, message: `Not allowed by the core: ${outside.join(', ')}.` };
      }
    }
    return { ok: true, value: chosen.length ? chosen : null };
  }
  const text = draft.trim();
  if (text === '') {
    return { ok: true, value: null };
  }
  switch (control.kind) {
    case 'number': {
      if (!/^-?\d+$/.test(text)) {
        return { ok: false, message: 'Enter a whole number.' };
      }
      const n = Number(text);
      if (n < control.min) {
        const why = field.strictness === 'AT_LEAST' && control.min === core ? "the core's value" : 'the lowest allowed';
        return { ok: false, message: `Must be at least ${unitWords(field, control.min, locale)} (${why}).` };
      }
      if (n > control.max) {
        const why = field.strictness === 'AT_MOST' && control.max === core ? "the core's value" : 'the highest allowed';
        return { ok: false, message: `Must be at most ${unitWords(field, control.max, locale)} (${why}).` };
      }
      return { ok: true, value: n };
    }
    case 'choice': {
      if (!control.options.some((o) => o.value === text)) {
        return { ok: false, message: `Looser than the core's ${String(core)}.` };
      }
      return { ok: true, value: field.valueType === 'BOOLEAN' ? text === 'true' : text };
    }
    case 'ids': {
      const ids = splitIds(text);
      if (control.within) {
        const outside = ids.filter((id) => !control.within?.includes(id));
        if (outside.length) {
          return {
            ok: false,
            message: `Only the core's may be kept: ${control.within.join(', ')}. Not allowed: ${outside.join(', ')}.`,
          };
        }
      }
      const additions = ids.filter((id) => !control.locked.includes(id));
      return { ok: true, value: additions.length ? additions : null };
    }
    case 'fixed':
      return { ok: true, value: null };
    case 'members':
      return { ok: true, value: null };
  }
}

/** Whether two saved values are the same (sets compare without order; [] is unset). */
export function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v) ? (v.length ? JSON.stringify([...v].map(String).sort()) : null) : (v ?? null);
  return norm(a) === norm(b);
}

/** A stored BU value as the editor would save it (SUPERSET: only what the BU adds). */
export function normalisedStored(field: GuardrailField, stored: unknown, core: unknown): unknown {
  if (stored === undefined || stored === null) {
    return null;
  }
  if (field.strictness === 'SUPERSET') {
    const additions = asList(stored).filter((m) => !asList(core).includes(m));
    return additions.length ? additions.sort() : null;
  }
  return stored;
}

/** What a field's free ids are, for the label under its input. */
export function idsNoun(field: GuardrailField): string {
  if (field.spdx) return 'SPDX licence ids';
  if (field.usernames) return 'Usernames';
  return 'Ids';
}

/** The placeholder of an empty ids input that limits nothing (a SUBSET field). */
export function idsAnything(field: GuardrailField): string {
  if (field.spdx) return 'Any licence';
  if (field.usernames) return 'Anyone';
  return 'Any';
}

/** A member as people read it: ids verbatim (`MIT`, `payments-admin`), words humanised. */
export function memberLabel(field: GuardrailField, member: string, humanise: (v: string) => string): string {
  return field.spdx || field.usernames ? member : humanise(member);
}
