import { MONITOR_LEGACY_KEYS, monitorKey } from './monitor-keys.js';

describe('MONITOR_LEGACY_KEYS', () => {
  const rename = (key: string) => MONITOR_LEGACY_KEYS[0]!.rename(key);

  it('renames a monitor key of the drift:{id} layout to the {mon:id} tag, keeping its name', () => {
    expect(rename('drift:{0b7c}:sk:491520')).toBe(monitorKey('0b7c', 'sk:491520'));
    expect(rename('drift:{0b7c}:sk:r:1:24')).toBe('{mon:0b7c}:sk:r:1:24');
    expect(rename('drift:{0b7c}:ref:3')).toBe('{mon:0b7c}:ref:3');
  });

  it('leaves keys without a tag or a name alone', () => {
    expect(rename('drift:{0b7c}')).toBeUndefined();
    expect(rename('drift:0b7c:sk:1')).toBeUndefined();
  });
});
