// <sb-guardrails> on the demo: Payments tightens the core (max_bypass_hours 12, security at every
// go/no-go, coverage 75%, GPL-3.0-only denied); payments-admin may edit, the viewer may not.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import {
  closeBrowser,
  events,
  expectAccessible,
  gql,
  listen,
  mount,
  openPage,
  screenshot,
  setUser,
  type TestPage,
} from '../../../test/harness.js';

after(closeBrowser);

let payments = '';
let cardGateway = '';

before(async () => {
  const data = await gql<{
    businessUnits: { nodes: Array<{ id: string; key: string }> };
    services: { nodes: Array<{ id: string; key: string }> };
  }>('rmo', '{ businessUnits { nodes { id key } } services(first: 200) { nodes { id key } } }');
  payments = data.businessUnits.nodes.find((b) => b.key === 'payments')?.id ?? '';
  cardGateway = data.services.nodes.find((s) => s.key === 'card-gateway')?.id ?? '';
  assert.ok(payments && cardGateway);
});

async function buSet(): Promise<{ version: number; values: Record<string, unknown> }> {
  const data = await gql<{ guardrailSet: { version: number; values: Record<string, unknown> } }>(
    'rmo',
    'query($bu: ID!) { guardrailSet(businessUnitId: $bu) { version values } }',
    { bu: payments },
  );
  return data.guardrailSet;
}

async function mountGuardrails(page: TestPage, extra = ''): Promise<Locator> {
  const el = await mount(page, `<sb-guardrails business-unit-id="${payments}" ${extra}></sb-guardrails>`);
  await el.locator('[part="table"]').waitFor();
  return el;
}

const row = (el: Locator, key: string): Locator => el.locator(`tr[data-key="${key}"]`);

describe('<sb-guardrails> shows a BU’s guardrails and edits them tighten-only', { timeout: 120_000 }, () => {
  test('each value in force for a service shows its source', async () => {
    const page = await openPage({ user: 'payments-admin', locale: 'en-GB' });
    const el = await mountGuardrails(page, `service-id="${cardGateway}"`);

    assert.equal(await el.locator('h2').textContent(), 'Guardrails of Payments');
    const bypass = (await row(el, 'max_bypass_hours').textContent()) ?? '';
    assert.match(bypass, /24 hours/); // core
    assert.match(bypass, /8 hours\s*critical tier profile/); // card-gateway is critical: the profile wins
    const disciplines = (await row(el, 'go_no_go_disciplines').textContent()) ?? '';
    assert.match(disciplines, /engineering, product, security\s*Payments BU/);
    assert.match(disciplines, /security \(Payments BU\)/);
    assert.equal(await el.locator('[part="edit-button"]').count(), 1);
    await expectAccessible(page);
    await screenshot(el, 'sb-guardrails');
    assert.deepEqual(page.problems, []);
  });

  test('the editor only offers values the core allows and refuses a looser one, naming the bound', async () => {
    const page = await openPage({ user: 'payments-admin', locale: 'en-GB' });
    const el = await mountGuardrails(page);
    const before = await buSet();
    await el.locator('[part="edit-button"]').click();

    const bypass = row(el, 'max_bypass_hours').locator('input');
    assert.equal(await bypass.getAttribute('max'), '24'); // AT_MOST: the core's 24 is the loosest
    assert.equal(await bypass.inputValue(), '12');
    const coverage = row(el, 'min_test_coverage_percent').locator('input');
    assert.equal(await coverage.getAttribute('min'), '60'); // AT_LEAST: the core's 60 is the loosest
    // The core's go/no-go disciplines cannot be removed; the BU's own addition can.
    const core = row(el, 'go_no_go_disciplines').locator('input[type="checkbox"][disabled]');
    assert.equal(await core.count(), 2);
    assert.ok(await row(el, 'go_no_go_disciplines').getByLabel('security').isChecked());
    // A risk level looser than the core's "high" is not on offer.
    const levels = await row(el, 'board_required_from_risk').locator('option').allTextContents();
    assert.ok(!levels.some((l) => /critical/.test(l)), levels.join());
    // Free ids are named for what they are: usernames are not SPDX licence ids.
    assert.match((await row(el, 'approval_delegates').locator('.hint').textContent()) ?? '', /^Usernames, separated by commas\./);
    assert.match((await row(el, 'denied_licences').locator('.hint').textContent()) ?? '', /^SPDX licence ids, separated by commas\./);
    assert.equal(await row(el, 'allowed_licences').locator('input').getAttribute('placeholder'), 'Any licence');

    await bypass.fill('30');
    await el.getByLabel(/Why/).fill('Try a longer bypass');
    await el.locator('[part="save-button"]').click();

    const error = row(el, 'max_bypass_hours').locator('[part="field-error"]');
    await error.waitFor();
    assert.equal(await error.textContent(), "Must be at most 24 hours (the core's value).");
    assert.equal(await bypass.getAttribute('aria-invalid'), 'true');
    const summary = el.locator('[part="summary"]');
    assert.match((await summary.textContent()) ?? '', /not saved: 1\s+problem\.\s+How long an approved emergency bypass may last, at most: Must be at most 24 hours/);
    assert.equal(await summary.evaluate((s) => s.matches(':focus')), true);
    await expectAccessible(page);
    await screenshot(el, 'sb-guardrails-refused');
    // Nothing was sent.
    assert.equal((await buSet()).version, before.version);
  });

  test('a stricter value is saved as a new version', async () => {
    const page = await openPage({ user: 'payments-admin', locale: 'en-GB' });
    await listen(page, 'sb-guardrails-saved');
    const el = await mountGuardrails(page);
    const before = await buSet();
    try {
      await el.locator('[part="edit-button"]').click();
      await row(el, 'max_bypass_hours').locator('input').fill('10');
      await el.getByLabel(/Why/).fill('Shorter bypasses during the migration');
      await el.locator('[part="save-button"]').click();

      await el.getByText(`Saved version ${before.version + 1}.`).waitFor();
      assert.match((await row(el, 'max_bypass_hours').textContent()) ?? '', /10 hours/);
      const saved = await events<{ version: number; values: Record<string, unknown> }>(page, 'sb-guardrails-saved');
      assert.deepEqual(saved.at(-1)?.detail.values, { max_bypass_hours: 10 });
      assert.deepEqual((await buSet()).values['max_bypass_hours'], 10);
      await expectAccessible(page);
    } finally {
      const now = await buSet();
      await gql(
        'payments-admin',
        `mutation($input: GuardrailBusinessUnitUpdateInput!) {
          guardrailBusinessUnitUpdate(input: $input) { guardrailSet { version } errors { code message } } }`,
        {
          input: {
            businessUnitId: payments,
            values: { max_bypass_hours: before.values['max_bypass_hours'] ?? null },
            version: now.version,
            note: 'Back to the demo value',
          },
        },
      );
    }
  });

  test('a value the core tightened meanwhile is refused by the API, at its field, with the bound', async () => {
    const page = await openPage({ user: 'payments-admin', locale: 'en-GB' });
    const el = await mountGuardrails(page);
    await el.locator('[part="edit-button"]').click();
    const core = await gql<{ guardrailCore: { version: number } }>('rmo', '{ guardrailCore { version } }');
    const coreUpdate = `mutation($input: GuardrailCoreUpdateInput!) {
      guardrailCoreUpdate(input: $input) { guardrailSet { version } errors { code message } } }`;
    // The RMO tightens the core after the editor opened: the editor still allows up to 80%.
    await gql('rmo', coreUpdate, {
      input: { values: { canary_max_saturation_percent: 70 }, version: core.guardrailCore.version, note: 'test' },
    });
    try {
      await row(el, 'canary_max_saturation_percent').locator('input').fill('75');
      await el.getByLabel(/Why/).fill('Canaries may run hotter');
      await el.locator('[part="save-button"]').click();

      const error = row(el, 'canary_max_saturation_percent').locator('[part="field-error"]');
      await error.waitFor();
      assert.equal(await error.textContent(), "canary_max_saturation_percent: 75 is looser than the core's 70.");
      const summary = el.locator('[part="summary"] li');
      assert.equal(await summary.getAttribute('data-code'), 'GUARDRAIL_LOOSER_THAN_CORE');
      await expectAccessible(page);
    } finally {
      await gql('rmo', coreUpdate, {
        input: {
          values: { canary_max_saturation_percent: 80 },
          version: core.guardrailCore.version + 1,
          note: 'Back to the demo value',
        },
      });
    }
  });

  test('a viewer sees the guardrails read-only', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mountGuardrails(page);
    assert.equal(await el.locator('[part="edit-button"]').count(), 0);
    assert.equal(await el.locator('input, select, textarea').count(), 0);
    assert.match((await el.locator('[part="read-only"]').textContent()) ?? '', /Read-only/);
    assert.match((await row(el, 'max_bypass_hours').textContent()) ?? '', /12 hours/);
    await expectAccessible(page);
    assert.deepEqual(page.problems, []);
  });

  test('another BU’s admin is told it is not theirs; without a token, that they are not signed in', async () => {
    const page = await openPage({ user: 'retail-admin' });
    await listen(page, 'sb-error');
    const el = await mount(page, `<sb-guardrails business-unit-id="${payments}"></sb-guardrails>`);
    const error = el.locator('[part="error"]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'NOT_FOUND');
    await expectAccessible(page);

    await setUser(page, null);
    const anonymous = await mount(page, `<sb-guardrails business-unit-id="${payments}"></sb-guardrails>`);
    const denied = anonymous.locator('[part="error"]');
    await denied.waitFor();
    assert.equal(await denied.getAttribute('data-code'), 'UNAUTHENTICATED');
    await expectAccessible(page);
    const codes = (await events<{ code: string }>(page, 'sb-error')).map((e) => e.detail.code);
    assert.deepEqual(codes, ['NOT_FOUND', 'UNAUTHENTICATED']);
  });
});
