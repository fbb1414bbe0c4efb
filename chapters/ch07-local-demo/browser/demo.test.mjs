// Browser tests of the demo page, in Debian's Chromium driven by playwright-core.
// `cargo xtask test` starts the local demo and passes its URLs in the environment:
//   DEMO_URL          the page, with both backends running
//   DEMO_STOPPED_URL  the page of a second demo whose containers backend is not running
//   BOOK_URL          the book
//   SCREENSHOT_PATH   where to save the screenshot the book shows
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const { DEMO_URL, DEMO_STOPPED_URL, BOOK_URL, SCREENSHOT_PATH } = process.env;

let browser;

before(async () => {
  for (const [name, value] of Object.entries({ DEMO_URL, DEMO_STOPPED_URL, BOOK_URL })) {
    assert.ok(value, `${name} must be set: run the browser tests with cargo xtask test`);
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/**
 * Opens the page; records every dialog (and dismisses it), every script error, every console
 * message, and (in the page, as `window.cspViolations`) every Content-Security-Policy violation.
 */
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  const errors = [];
  const consoleMessages = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    consoleMessages.push({ type: message.type(), text: message.text(), url: message.location().url });
  });
  // Runs in the page before any of its own scripts.
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
    });
  });
  const response = await page.goto(url);
  await page.locator('#backends input[value="FunctionsURL"]').waitFor();
  return { page, response, dialogs, errors, consoleMessages };
}

async function useBackend(page, key) {
  await page.locator(`#backends input[value="${key}"]`).check();
}

async function publish(page, { title, author = 'Browser', contents = 'Written by the browser test' }) {
  await page.fill('#new-post [name=title]', title);
  await page.fill('#new-post [name=author]', author);
  await page.fill('#new-post [name=contents]', contents);
  await page.click('#new-post button[type=submit]');
}

/** Runs the Compare panel; returns its rows by backend: the cells' texts after the name. */
async function compare(page) {
  await page.click('#compare-run');
  await page.locator('#compare-run:enabled').waitFor();
  const rows = {};
  for (const row of await page.locator('#compare-results tr').all()) {
    rows[await row.getAttribute('data-backend')] = await row.locator('td').allTextContents();
  }
  return rows;
}

/** The newest line of the call log. */
async function lastCall(page) {
  const line = page.locator('#call-log li').first();
  return {
    backend: await line.getAttribute('data-backend'),
    status: await line.getAttribute('data-status'),
    requestId: await line.getAttribute('data-request-id'),
    text: await line.textContent(),
  };
}

test('a post added through the functions is seen and deleted through the containers', async () => {
  const { page, errors } = await open(DEMO_URL);
  const title = `Shared ${Date.now()}`;
  await useBackend(page, 'FunctionsURL');
  await publish(page, { title });
  const post = page.locator('#posts .post', { hasText: title });
  await post.waitFor();
  // The list reloads after the create; the create itself is the call before it.
  const calls = await page.locator('#call-log li').allTextContents();
  assert.ok(calls.some((line) => /functions POST \/blog → 201 in \d+ ms · id local-\d{8}$/.test(line)), calls.join('\n'));

  await useBackend(page, 'ContainersURL');
  await page.locator('#call-log li[data-backend="containers"]').first().waitFor();
  await post.waitFor();
  assert.deepEqual(await lastCall(page).then(({ backend, status }) => [backend, status]), ['containers', '200']);

  await post.locator('.delete').click();
  await post.locator('.confirm-yes').click();
  await post.waitFor({ state: 'detached' });
  const deleted = await lastCall(page);
  assert.equal(deleted.backend, 'containers');
  assert.equal(deleted.status, '204');
  assert.match(deleted.text, /DELETE \/blog\/.+ → 204 in \d+ ms · id /);
  // The container on your machine has no load balancer to give it an id: it makes a random one.
  assert.match(deleted.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(deleted.text.endsWith(deleted.requestId), deleted.text);

  await useBackend(page, 'FunctionsURL');
  await page.locator('#call-log li[data-backend="functions"][data-status="200"]').first().waitFor();
  assert.equal(await page.locator('#posts .post', { hasText: title }).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a title that looks like HTML is shown as text and runs nothing', async () => {
  const { page, dialogs, errors } = await open(DEMO_URL);
  const title = '<img src=x onerror=alert(1)>';
  await publish(page, { title, contents: '<script>alert(2)</script>' });
  const post = page.locator('#posts .post', { hasText: title }).first();
  await post.waitFor();
  assert.equal(await post.locator('.title').textContent(), title);
  assert.equal(await page.locator('#posts img').count(), 0);
  assert.equal(await page.locator('#posts script').count(), 0);
  // Give a would-be onerror handler time to fire.
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  await post.locator('.delete').click();
  await post.locator('.confirm-yes').click();
  await post.waitFor({ state: 'detached' });
  await page.close();
});

test("an invalid post shows the server's own message", async () => {
  for (const key of ['FunctionsURL', 'ContainersURL', 'AllRoutesURL', 'WebAdapterURL', 'HttpApiURL', 'AllRoutesFunctionURL']) {
    const { page } = await open(DEMO_URL);
    await useBackend(page, key);
    await publish(page, { title: '' });
    const error = page.locator('#form-error');
    await error.waitFor({ state: 'visible' });
    assert.equal(
      await error.textContent(),
      'title must be 1 to 200 characters (got 0) (400 validation_failed)',
    );
    await page.close();
  }
});

test('a backend that is not running is reported as such', async () => {
  const { page } = await open(DEMO_STOPPED_URL);
  await useBackend(page, 'ContainersURL');
  const error = page.locator('#list-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /ContainersURL could not be reached .*Is it running\?/);
  const failed = await lastCall(page);
  assert.equal(failed.backend, 'containers');
  assert.equal(failed.status, '0');
  assert.match(failed.text, /no answer/);
  // The other backend still works.
  await useBackend(page, 'FunctionsURL');
  await error.waitFor({ state: 'hidden' });
  await page.close();
});

test('the Compare panel times the same calls on every backend', async () => {
  const { page, errors } = await open(DEMO_URL);
  const rows = await compare(page);
  assert.deepEqual(Object.keys(rows), ['functions', 'containers', 'all-routes', 'web-adapter', 'http-api', 'all-routes-function']);
  for (const [backend, cells] of Object.entries(rows)) {
    const [first, p50, p95, calls, failed] = cells;
    for (const figure of [first, p50, p95]) {
      assert.match(figure, /^\d+\.\d$/, `${backend}: ${cells.join(' | ')}`);
    }
    assert.ok(Number(first) > 0, `${backend}: first call ${first} ms`);
    assert.ok(Number(p50) <= Number(p95), `${backend}: p50 ${p50} > p95 ${p95}`);
    assert.deepEqual([calls, failed], ['31', '0'], backend);
  }
  // Every call is in the call log too: 31 per backend, each one answered.
  for (const backend of ['functions', 'containers', 'all-routes', 'web-adapter', 'http-api', 'all-routes-function']) {
    const lines = page.locator(`#call-log li[data-backend="${backend}"]`);
    assert.equal(await lines.filter({ hasText: 'GET /blog?limit=5 → 200' }).count(), 31, backend);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Compare panel names a backend that is not running and still measures the other', async () => {
  const { page } = await open(DEMO_STOPPED_URL);
  const rows = await compare(page);
  assert.deepEqual(rows.containers, ['could not be reached']);
  const [first, p50, p95, calls, failed] = rows.functions;
  assert.ok(Number(first) > 0 && Number(p50) <= Number(p95), rows.functions.join(' | '));
  assert.deepEqual([calls, failed], ['31', '0']);
  await page.close();
});

test('the page runs with no Content-Security-Policy violation and no console error', async (t) => {
  const { page, response, errors, consoleMessages } = await open(DEMO_URL);
  const policy = response.headers()['content-security-policy'];
  assert.ok(policy, 'the page is served with a Content-Security-Policy');
  t.diagnostic(`policy: ${policy}`);
  // List (on load), create, delete, compare: every kind of request the page makes.
  await page.locator('#call-log li[data-status="200"]').first().waitFor();
  const title = `Under the policy ${Date.now()}`;
  await publish(page, { title });
  const post = page.locator('#posts .post', { hasText: title });
  await post.waitFor();
  await post.locator('.delete').click();
  await post.locator('.confirm-yes').click();
  await post.waitFor({ state: 'detached' });
  await compare(page);
  // A violation is queued as a task when the blocked operation happens; one more turn of the
  // page's event loop, after every action above has finished, has delivered any there were.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page has an icon from its own origin', async () => {
  const { page } = await open(DEMO_URL);
  // With no <link rel="icon">, browsers ask for /favicon.ico.
  const icon = await page.evaluate(
    () => document.querySelector('link[rel~="icon"]')?.href ?? new URL('/favicon.ico', location.href).href,
  );
  assert.equal(new URL(icon).origin, new URL(DEMO_URL).origin);
  assert.equal((await page.request.get(icon)).status(), 200, icon);
  await page.close();
});

test('the book is served', async () => {
  const page = await browser.newPage();
  await page.goto(BOOK_URL);
  assert.match(await page.title(), /Introduction/);
  await page.close();
});

test('screenshot for the book', async () => {
  const { page } = await open(DEMO_URL);
  await useBackend(page, 'FunctionsURL');
  await publish(page, {
    title: 'Hello from a Lambda function',
    author: 'Ada',
    contents: 'Created through the local API Gateway.',
  });
  await page.locator('#posts .post', { hasText: 'Hello from a Lambda function' }).waitFor();
  await useBackend(page, 'ContainersURL');
  await publish(page, {
    title: 'And hello from a container',
    author: 'Grace',
    contents: 'Created through the hyper server; both read the same store.',
  });
  await page.locator('#posts .post', { hasText: 'And hello from a container' }).waitFor();
  await publish(page, { title: '' });
  await page.locator('#form-error').waitFor({ state: 'visible' });
  if (SCREENSHOT_PATH) {
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
  }
  await page.close();
});
