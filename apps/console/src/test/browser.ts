import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

/** Debian's chromium (global-setup.mjs installs it when missing; playwright's own download cannot work here). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * Everything that went wrong on a page: uncaught errors, console errors, requests that failed and
 * answers of 400 or more, except those the test expects (`allow`).
 */
export function watchProblems(page: Page, allow: (url: string, status: number) => boolean = () => false): string[] {
  const problems: string[] = [];
  const allowedStatuses = new Set<number>();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A navigation cancels the previous page's requests still in flight: that is no failure.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    if (allow(res.url(), res.status())) allowedStatuses.add(res.status());
    else problems.push(`${res.status()} from ${res.request().method()} ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chrome logs every non-2xx answer once more as a console error; allowed answers are not problems.
    const status = /status of (\d{3})/.exec(msg.text());
    if (status && allowedStatuses.has(Number(status[1]))) return;
    if (status) return; // already counted from the response event
    problems.push(`console error: ${msg.text()}`);
  });
  return problems;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
  await page.evaluate(readFileSync(axePath, 'utf8'));
  const results = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } }
    ).axe;
    return (await axe.run()).violations;
  });
  return results
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) on ${v.nodes.length} element(s)`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
