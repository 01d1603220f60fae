import { describe, expect, it } from 'vitest';
import { ttoSetting } from '../src/run.js';

describe("the page's test-time optimisation checkbox (ttoSetting)", () => {
  const own = { steps: 2, lr: 0.05 };

  it("sends nothing unless the user changed it: the model's setting applies, its options included", () => {
    for (const model of [own, true, false, undefined]) {
      expect(ttoSetting(true, false, model)).toBeUndefined();
      expect(ttoSetting(false, false, model)).toBeUndefined();
    }
  });

  it("ticked: the model's own options (not the defaults), or true for a model without a setting; cleared: false", () => {
    expect(ttoSetting(true, true, own)).toEqual(own);
    expect(ttoSetting(true, true, true)).toBe(true);
    expect(ttoSetting(true, true, undefined)).toBe(true);
    expect(ttoSetting(true, true, false)).toBe(true);
    for (const model of [own, true, false, undefined]) expect(ttoSetting(false, true, model)).toBe(false);
  });
});
