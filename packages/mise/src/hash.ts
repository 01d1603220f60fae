/**
 * Open-addressing hash map from non-negative int32 keys to int32 values (linear probing, power-of-two
 * capacity, load factor ≤ 0.5). Internal to MISE: grid-node key (i·(R+1) + j)·(R+1) + k → node index.
 * @internal
 */
export class IntHashMap {
  private keys: Int32Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;
  size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  private slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** Value stored for `key`, or −1. */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let s = this.slot(key);
    for (;;) {
      const k = keys[s];
      if (k === key) return this.vals[s];
      if (k === -1) return -1;
      s = (s + 1) & mask;
    }
  }

  /** Insert or overwrite. */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    let s = this.slot(key);
    for (;;) {
      const k = keys[s];
      if (k === key) {
        this.vals[s] = value;
        return;
      }
      if (k === -1) {
        keys[s] = key;
        this.vals[s] = value;
        this.size++;
        return;
      }
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.size = 0;
    for (let s = 0; s < oldKeys.length; s++) if (oldKeys[s] !== -1) this.set(oldKeys[s], oldVals[s]);
  }
}
