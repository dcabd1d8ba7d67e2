import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
  type GuardrailField,
} from './guardrail-fields.js';

const field = (over: Partial<GuardrailField>): GuardrailField => ({
  key: 'k',
  description: '',
  strictness: 'AT_MOST',
  valueType: 'INTEGER',
  unit: '',
  minimum: 0,
  maximum: 100,
  members: null,
  spdx: false,
  usernames: false,
  nullable: false,
  default: null,
  ...over,
});

describe('A BU editor offers only values at least as strict as the core', () => {
  test('AT_MOST numbers go up to the core value, AT_LEAST numbers start at it', () => {
    assert.deepEqual(controlFor(field({ strictness: 'AT_MOST', minimum: 1, maximum: 168 }), 24), {
      kind: 'number',
      min: 1,
      max: 24,
    });
    assert.deepEqual(controlFor(field({ strictness: 'AT_LEAST' }), 60), { kind: 'number', min: 60, max: 100 });
  });

  test('a looser number is refused with the bound and its unit', () => {
    const hours = field({ key: 'max_bypass_hours', unit: 'hours', minimum: 1, maximum: 168 });
    assert.deepEqual(parseDraft(hours, '30', 24, 'en'), {
      ok: false,
      message: "Must be at most 24 hours (the core's value).",
    });
    assert.deepEqual(parseDraft(hours, '12', 24, 'en'), { ok: true, value: 12 });
    assert.deepEqual(parseDraft(hours, '', 24, 'en'), { ok: true, value: null });
    assert.deepEqual(parseDraft(hours, '1.5', 24, 'en'), { ok: false, message: 'Enter a whole number.' });
    const coverage = field({ strictness: 'AT_LEAST', unit: '%' });
    assert.deepEqual(parseDraft(coverage, '50', 60, 'en'), {
      ok: false,
      message: "Must be at least 60% (the core's value).",
    });
  });

  test('a superset keeps the core members locked and offers only the others', () => {
    const disciplines = field({
      strictness: 'SUPERSET',
      valueType: 'MEMBERS',
      members: ['engineering', 'product', 'security', 'legal'],
    });
    assert.deepEqual(controlFor(disciplines, ['engineering', 'product']), {
      kind: 'members',
      locked: ['engineering', 'product'],
      offered: ['security', 'legal'],
    });
    assert.deepEqual(draftOf(disciplines, ['product', 'security'], ['engineering', 'product']), ['security']);
    assert.deepEqual(parseDraft(disciplines, [], ['engineering', 'product']), { ok: true, value: null });
  });

  test('risk levels stop at the core level; flags the core already fixed are not editable', () => {
    const level = field({ strictness: 'LEVEL_AT_MOST', valueType: 'RISK_LEVEL', members: ['low', 'medium', 'high', 'critical'] });
    const control = controlFor(level, 'high');
    assert.deepEqual(control.kind === 'choice' ? control.options.map((o) => o.value) : [], ['low', 'medium', 'high']);
    assert.equal(parseDraft(level, 'critical', 'high').ok, false);
    assert.equal(controlFor(field({ strictness: 'REQUIRE', valueType: 'BOOLEAN' }), true).kind, 'fixed');
    assert.deepEqual(parseDraft(field({ strictness: 'PERMIT', valueType: 'BOOLEAN' }), 'false', true), {
      ok: true,
      value: false,
    });
  });

  test('an allowed-licence list must stay within the core list', () => {
    const allowed = field({ strictness: 'SUBSET', valueType: 'MEMBERS', spdx: true });
    assert.deepEqual(parseDraft(allowed, 'MIT, Apache-2.0', null), { ok: true, value: ['Apache-2.0', 'MIT'] });
    assert.equal(parseDraft(allowed, 'MIT, GPL-3.0-only', ['MIT', 'Apache-2.0']).ok, false);
  });

  test('sets compare without order and an empty one is unset', () => {
    assert.ok(sameValue(['b', 'a'], ['a', 'b']));
    assert.ok(sameValue([], null));
    assert.ok(!sameValue(12, 10));
    const denied = field({ strictness: 'SUPERSET', valueType: 'MEMBERS', spdx: true });
    assert.deepEqual(normalisedStored(denied, ['AGPL-3.0-only', 'GPL-3.0-only'], ['AGPL-3.0-only']), ['GPL-3.0-only']);
  });

  test('one of a plural unit is singular', () => {
    assert.equal(withUnit('hours', 1, 'en'), '1 hour');
    assert.equal(withUnit('hours', 1000, 'en'), '1,000 hours');
    assert.equal(withUnit('bp', 1, 'en'), '1 bp');
  });
});

describe('Free ids are labelled for what they are', () => {
  const humanise = (v: string): string => v.toLowerCase().replace(/[_.-]+/g, ' ');

  test('usernames are usernames, not SPDX licence ids, and are shown verbatim', () => {
    const delegates = field({ key: 'approval_delegates', strictness: 'SUPERSET', valueType: 'MEMBERS', usernames: true });
    assert.equal(idsNoun(delegates), 'Usernames');
    assert.equal(idsAnything(delegates), 'Anyone');
    assert.equal(memberLabel(delegates, 'payments-admin', humanise), 'payments-admin');
  });

  test('SPDX ids keep their label and their spelling; set members are humanised', () => {
    const licences = field({ strictness: 'SUBSET', valueType: 'MEMBERS', spdx: true });
    assert.equal(idsNoun(licences), 'SPDX licence ids');
    assert.equal(idsAnything(licences), 'Any licence');
    assert.equal(memberLabel(licences, 'Apache-2.0', humanise), 'Apache-2.0');
    const kinds = field({ strictness: 'SUPERSET', valueType: 'MEMBERS', members: ['SECURITY_SCAN'] });
    assert.equal(idsNoun(kinds), 'Ids');
    assert.equal(memberLabel(kinds, 'SECURITY_SCAN', humanise), 'security scan');
  });
});
