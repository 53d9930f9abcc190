import { SHADOW_LEGACY_KEYS } from './shadow-configs.js';

describe('SHADOW_LEGACY_KEYS', () => {
  const rename = (key: string) => SHADOW_LEGACY_KEYS[0]!.rename(key);

  it('moves a shadow report under its model tag, the report id last', () => {
    expect(rename('serving:shadow-report:churn:3f2a')).toBe('{model:churn}:shadow-report:3f2a');
    expect(rename('serving:shadow-report:team.churn-v2:3f2a')).toBe('{model:team.churn-v2}:shadow-report:3f2a');
  });

  it('leaves a key without a report id alone', () => {
    expect(rename('serving:shadow-report:churn')).toBeUndefined();
  });
});
