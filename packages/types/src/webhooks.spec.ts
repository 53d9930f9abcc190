import { CreateWebhookBody, isWebhookEvent, WebhookEvent } from './webhooks.js';

describe('webhook subscriptions', () => {
  it('accept http(s) URLs and known events only', () => {
    expect(CreateWebhookBody.safeParse({ url: 'https://hooks.example.com/x', events: ['model.created'] }).success).toBe(true);
    const bad = CreateWebhookBody.safeParse({ url: 'ftp://x', events: ['model.exploded'], secret: 'short', extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual(['events.0', 'secret', 'unrecognized_keys', 'url']);
  });

  it('cover the events the registry and the drift service emit', () => {
    expect(WebhookEvent.options).toEqual([
      'model.created',
      'version.created',
      'version.stage_changed',
      'version.promoted',
      'version.rolled_back',
      'alias.set',
      'alias.deleted',
      'artifact.uploaded',
      'version.approved',
      'version.rejected',
      'version.validated',
      'drift.alert',
      'drift.retrain_triggered',
    ]);
    expect(isWebhookEvent('model.updated')).toBe(false);
  });
});
