import type { GuardrailField } from './guardrail-fields.js';

const SET_FIELDS = `version values note updatedAt
  updatedBy { displayName }
  conflicts { key value coreBound message }
  businessUnit { id key name }`;

/** The guardrails of a BU; with a service, also what is in force for it and where from. */
function guardrailsQuery(withService: boolean): string {
  return `query SbGuardrails($bu: ID!${withService ? ', $service: ID!' : ''}) {
  viewer { grants { role businessUnit { id } } }
  guardrailCatalog { key description strictness valueType unit minimum maximum members spdx usernames nullable default }
  guardrailCore { version values }
  guardrailSet(businessUnitId: $bu) { ${SET_FIELDS} }
  ${
    withService
      ? `effectiveGuardrails(serviceId: $service) { key value source sourceVersion contributions { source sourceVersion members } }
  service: node(id: $service) { __typename ... on Service { id key name tier } }`
      : ''
  }
}`;
}

// Every document a component sends is an exported constant of its queries.ts: the build
// registers exactly these as trusted documents (scripts/documents.mjs).
export const GUARDRAILS_QUERY = guardrailsQuery(false);
export const GUARDRAILS_OF_SERVICE_QUERY = guardrailsQuery(true);

export const GUARDRAILS_SAVE = `mutation SbGuardrailsSave($input: GuardrailBusinessUnitUpdateInput!) {
  guardrailBusinessUnitUpdate(input: $input) {
    guardrailSet { version }
    errors { code message field }
  }
}`;

export type Values = Readonly<Record<string, unknown>>;

export interface GuardrailSet {
  readonly version: number;
  readonly values: Values;
  readonly note: string;
  readonly updatedAt: string | null;
  readonly updatedBy: { readonly displayName: string } | null;
  readonly conflicts: ReadonlyArray<{ key: string; value: unknown; coreBound: unknown; message: string }>;
  readonly businessUnit: { readonly id: string; readonly key: string; readonly name: string } | null;
}

export interface Effective {
  readonly key: string;
  readonly value: unknown;
  readonly source: string;
  readonly sourceVersion: number;
  readonly contributions: ReadonlyArray<{ source: string; sourceVersion: number; members: readonly string[] }>;
}

export interface GuardrailsQuery {
  readonly viewer: { readonly grants: ReadonlyArray<{ role: string; businessUnit: { id: string } | null }> };
  readonly guardrailCatalog: readonly GuardrailField[];
  readonly guardrailCore: { readonly version: number; readonly values: Values } | null;
  readonly guardrailSet: GuardrailSet;
  readonly effectiveGuardrails?: readonly Effective[];
  readonly service?: { readonly __typename: string; readonly name?: string; readonly tier?: string } | null;
}

export interface SaveMutation {
  readonly guardrailBusinessUnitUpdate: {
    readonly guardrailSet: { readonly version: number } | null;
    readonly errors: ReadonlyArray<{ code: string; message: string; field: string | null }>;
  };
}
