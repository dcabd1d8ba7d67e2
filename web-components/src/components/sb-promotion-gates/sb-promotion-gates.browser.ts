import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeBrowser,
  computedStyle,
  events,
  expectAccessible,
  holdAnswers,
  gqlRaw,
  listen,
  mount,
  openPage,
  screenshot,
} from '../../../test/harness.js';
import { promotionWorld, type PromotionWorld } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 90_000 };
let world: PromotionWorld;

before(async () => {
  world = await promotionWorld();
});

const tag = (w: PromotionWorld, extra = ''): string =>
  `<sb-promotion-gates service-id="${w.serviceId}" environment-id="${w.environmentId}"
    version="${w.version}" release-id="${w.releaseId}" ${extra}></sb-promotion-gates>`;

interface Gate {
  gate: string;
  status: string;
}

describe('<sb-promotion-gates> shows the promotion decision', opts, () => {
  test('every gate of the decision, with its status and reason, the waived ones with the bypass', async () => {
    const expected = await gqlRaw<{ promotionDecision: { exitCode: number; gates: Gate[] } }>(
      'release-manager',
      `query($i: PromotionAskInput!) { promotionDecision(input: $i) { exitCode gates { gate status } } }`,
      {
        i: {
          serviceId: world.serviceId,
          environmentId: world.environmentId,
          artifactVersion: world.version,
          releaseId: world.releaseId,
        },
      },
    );
    const gates = expected.data!.promotionDecision.gates;
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, tag(world));

    await el.locator('[part="gates"]').waitFor();
    const shown = await el
      .locator('.gate-item')
      .evaluateAll((items) =>
        items.map((i) => ({ gate: i.getAttribute('data-gate'), status: i.getAttribute('data-status') })),
      );
    assert.deepEqual(shown, gates);
    assert.ok(gates.some((g) => g.status === 'FAILED' || g.status === 'PENDING'));
    const verdict = await el.locator('[part="verdict"]').innerText();
    assert.match(verdict, expected.data!.promotionDecision.exitCode === 1 ? /Refused/ : /Waiting|Allowed/);

    // No freeze is on, so only the security scan (no scan reported) needed the bypass.
    const waived = gates.filter((g) => g.status === 'WAIVED').map((g) => g.gate);
    assert.deepEqual(waived, ['SECURITY_SCAN']);
    for (const gate of waived) {
      const item = el.locator(`.gate-item[data-gate="${gate}"]`);
      assert.equal(await item.getAttribute('data-status'), 'WAIVED');
      assert.match(await item.locator('[part="status"]').innerText(), /Waived/);
      const waiver = await item.locator('[part="waiver"]').innerText();
      assert.match(waiver, /emergency bypass for INC-4711/);
      assert.match(waiver, /Checkout fails for some customers/);
    }
    assert.match(
      await el.locator('.gate-item[data-gate="SIGN_OFFS"] .reason').innerText(),
      /\S/,
      'a failing gate says why',
    );
    await expectAccessible(page);
    await screenshot(el, 'sb-promotion-gates');
    assert.deepEqual(page.problems, []);
  });

  test('choosing a gate by click or by keyboard emits sb-gate-selected', async () => {
    const page = await openPage({ user: 'release-manager' });
    await listen(page, 'sb-gate-selected');
    const el = await mount(page, tag(world));
    const scan = el.locator('.gate-item[data-gate="SECURITY_SCAN"] [part~="gate"]');
    await scan.waitFor();

    await scan.click();
    await el.locator('.gate-item[data-gate="SIGN_OFFS"] [part~="gate"]').focus();
    await page.keyboard.press('Enter');

    const selected = await events<{ gate: string; status: string; reason: string }>(
      page,
      'sb-gate-selected',
    );
    assert.deepEqual(
      selected.map((e) => [e.detail.gate, e.detail.status]),
      [
        ['SECURITY_SCAN', 'WAIVED'],
        ['SIGN_OFFS', selected[1]?.detail.status],
      ],
    );
    assert.ok(selected[1]?.detail.reason);
  });

  test('status colours follow the theme tokens', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(
      page,
      `<div style="--sb-color-accent: rgb(10, 20, 30)">${tag(world)}</div>`,
    );
    const waived = el.locator('.gate-item[data-gate="SECURITY_SCAN"] [part="status"]');
    await waived.waitFor();

    assert.equal(await computedStyle(waived, 'background-color'), 'rgb(10, 20, 30)');
  });
});

describe('<sb-promotion-gates> says what happened when it cannot decide', opts, () => {
  test('someone outside the BU sees what the API said: permission denied or not found', async () => {
    const answer = await gqlRaw('retail-admin', `query($i: PromotionAskInput!) {
      promotionDecision(input: $i) { allowed } }`, {
      i: {
        serviceId: world.serviceId,
        environmentId: world.environmentId,
        artifactVersion: world.version,
        releaseId: world.releaseId,
      },
    });
    const code = answer.errors?.[0]?.extensions?.code;
    const page = await openPage({ user: 'retail-admin' });
    const el = await mount(page, tag(world));

    const message = el.locator('[part="error"]');
    await message.waitFor();
    assert.equal(await message.getAttribute('data-code'), code);
    if (code === 'FORBIDDEN') {
      assert.match(await message.innerText(), /You do not have permission/);
      await screenshot(el, 'sb-promotion-gates-permission-denied');
    } else {
      assert.equal(code, 'NOT_FOUND');
      assert.match(await message.innerText(), /was not found/);
    }
    await expectAccessible(page);
  });

  test('an anonymous page sees the shared signed-out state, as every component shows it', async () => {
    const page = await openPage({ user: null });
    await listen(page, 'sb-error');
    const el = await mount(page, tag(world));

    const failure = el.locator('[part="error"]');
    await failure.waitFor();
    assert.equal(await failure.getAttribute('data-code'), 'UNAUTHENTICATED');
    assert.match(await failure.innerText(), /You are not signed in/);
    assert.equal(await failure.getByRole('button').count(), 0);
    assert.equal((await events<{ code: string }>(page, 'sb-error'))[0]?.detail.code, 'UNAUTHENTICATED');
    await expectAccessible(page);
  });

  test('a missing attribute says what is missing', async () => {
    const page = await openPage({ user: 'release-manager' });
    const el = await mount(page, '<sb-promotion-gates service-id="x"></sb-promotion-gates>');

    await el.locator('.error').waitFor();
    assert.match(await el.locator('.error').innerText(), /needs service-id, environment-id and version/);
    await expectAccessible(page);
  });

  test('while the decision is being made it shows the loading state', async () => {
    const page = await openPage({ user: 'release-manager' });
    const answers = await holdAnswers(page);
    const el = await mount(page, tag(world));

    await el.getByText('Asking whether this may be promoted…').waitFor();
    await expectAccessible(page);
    await answers.release();
    await el.locator('[part="gates"]').waitFor();
  });
});
