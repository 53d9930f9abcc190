import type { TestApp } from '@modelyard/platform/testing';

/** 4000 exposed units; the challenger's convert 1 in 4, the control's 1 in 10. */
export async function clearWin(experiments: TestApp, key: string) {
  const units = Array.from({ length: 4000 }, (_, i) => `${key}-u${i}`);
  const arms = new Map<string, string>();
  for (let i = 0; i < units.length; i += 1000) {
    const res = await experiments.request('POST', `/v1/experiments/${key}/assignments`, { body: { units: units.slice(i, i + 1000) } });
    for (const a of res.body.items as { unit: string; variant: string }[]) arms.set(a.unit, a.variant);
  }
  await experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: units.map((unit) => ({ unit })) } });
  const events = units
    .filter((u, i) => i % (arms.get(u) === 'challenger' ? 4 : 10) === 0)
    .map((unit) => ({ unit, metric: 'clicked', value: 1 }));
  expect((await experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } })).status).toBe(200);
}

interface Concludable {
  status: string;
  conclusion?: { promotionError?: string | null } | null;
}

/**
 * The experiment once its conclusion is recorded (at most 40 s): concluded is claimed before the
 * registry is asked, so the promotion is pending until then.
 */
export async function settledConclusion<E extends Concludable>(experiments: TestApp, key: string, current: E): Promise<E> {
  const deadline = Date.now() + 40_000;
  let concluded = current;
  const settled = (e: E) => e.status === 'concluded' && e.conclusion?.promotionError !== 'promotion pending';
  while (!settled(concluded) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    concluded = (await experiments.request('GET', `/v1/experiments/${key}`)).body;
  }
  return concluded;
}
