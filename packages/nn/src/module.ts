import * as tf from '@tensorflow/tfjs-core';
import { NNError } from './errors.js';

/**
 * How one stored tensor maps between the reference (PyTorch) layout and ours. `toOurs` turns a reference
 * array into our layout, `toReference` back. `referenceShape` is the PyTorch shape.
 */
export interface ParamLayout {
  referenceShape: number[];
  toOurs(t: tf.Tensor): tf.Tensor;
  toReference(t: tf.Tensor): tf.Tensor;
}

/** A reference-named array, as read from an exported `state_dict` (.npz) or a checkpoint. */
export interface NamedArray {
  data: ArrayLike<number> | BigInt64Array;
  shape: number[];
}

interface Entry {
  variable: tf.Variable;
  layout: ParamLayout;
  buffer: boolean;
}

const identity = (shape: number[]): ParamLayout => ({
  referenceShape: shape,
  toOurs: (t) => t,
  toReference: (t) => t,
});

let moduleCounter = 0;

/**
 * Base class of every network module: owns its variables under the reference's `state_dict` key names
 * (e.g. `block0.bn_0.conv_gamma.weight`), so reference checkpoints load by name.
 *
 * Memory: variables live until {@link Module.dispose}. `training` switches BatchNorm between batch and running
 * statistics (reference: `model.train()` / `model.eval()`).
 */
export abstract class Module {
  /** Train mode (batch statistics, running-stat updates) vs eval mode (running statistics). */
  training = false;
  private readonly entries = new Map<string, Entry>();
  private readonly children = new Map<string, Module>();
  private readonly uid = moduleCounter++;

  /** Register a trainable parameter under its reference name. `layout` maps from the PyTorch layout. */
  protected param(name: string, init: tf.Tensor, layout?: ParamLayout): tf.Variable {
    return this.add(name, init, layout, false);
  }

  /** Register a non-trainable buffer (e.g. `running_mean`). */
  protected buffer(name: string, init: tf.Tensor, layout?: ParamLayout): tf.Variable {
    return this.add(name, init, layout, true);
  }

  private add(name: string, init: tf.Tensor, layout: ParamLayout | undefined, buffer: boolean): tf.Variable {
    const v = tf.variable(init, !buffer, `m${this.uid}/${name}`);
    init.dispose();
    this.entries.set(name, { variable: v, layout: layout ?? identity(v.shape), buffer });
    return v;
  }

  /** Register a child module; its keys appear as `name.<child key>`. */
  protected module<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Every (reference name, entry) pair, depth first, in registration order. */
  private *walk(prefix = ''): Generator<[string, Entry]> {
    for (const [k, e] of this.entries) yield [prefix + k, e];
    for (const [k, c] of this.children) yield* c.walk(`${prefix}${k}.`);
  }

  /** Trainable variables by reference name. */
  namedParameters(): Map<string, tf.Variable> {
    const m = new Map<string, tf.Variable>();
    for (const [k, e] of this.walk()) if (!e.buffer) m.set(k, e.variable);
    return m;
  }

  /** Buffers (running statistics) by reference name. */
  namedBuffers(): Map<string, tf.Variable> {
    const m = new Map<string, tf.Variable>();
    for (const [k, e] of this.walk()) if (e.buffer) m.set(k, e.variable);
    return m;
  }

  /** Trainable variables, for an optimizer's `varList`. */
  trainableVariables(): tf.Variable[] {
    return [...this.namedParameters().values()];
  }

  /** Number of trainable scalars (the reference's `sum(p.numel() for p in model.parameters())`). */
  parameterCount(): number {
    let n = 0;
    for (const v of this.namedParameters().values()) n += v.size;
    return n;
  }

  /** Set train/eval mode on this module and all children; returns `this`. */
  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }

  /** Eval mode (running statistics); returns `this`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * The reference-layout `state_dict` as plain arrays: name → { data, shape } with PyTorch shapes.
   * Parameters and buffers both, like PyTorch (minus `num_batches_tracked`).
   */
  stateDict(): Map<string, { data: Float32Array; shape: number[] }> {
    const out = new Map<string, { data: Float32Array; shape: number[] }>();
    for (const [k, e] of this.walk()) {
      const t = tf.tidy(() => tf.clone(e.layout.toReference(e.variable)));
      out.set(k, { data: Float32Array.from(t.dataSync() as Float32Array), shape: e.layout.referenceShape });
      t.dispose();
    }
    return out;
  }

  /**
   * Load reference-named arrays (e.g. from `parseNpz` of an exported PyTorch `state_dict`; keys may carry a
   * prefix such as `param/` which `prefix` strips). Keys ending in `num_batches_tracked` are ignored.
   * @throws {@link NNError} `STATE_DICT_MISMATCH` listing missing, unexpected and mis-shaped keys (nothing is
   *   changed when it throws). With `strict: false`, missing and unexpected keys are allowed.
   */
  loadStateDict(source: Map<string, NamedArray> | Record<string, NamedArray>, options: { strict?: boolean; prefix?: string } = {}): void {
    const { strict = true, prefix = '' } = options;
    const given = new Map<string, NamedArray>();
    const entries = source instanceof Map ? [...source.entries()] : Object.entries(source);
    for (const [k, v] of entries) {
      if (!k.startsWith(prefix)) continue;
      const key = k.slice(prefix.length);
      if (key.endsWith('num_batches_tracked')) continue;
      given.set(key, v);
    }
    const missing: string[] = [];
    const misShaped: string[] = [];
    const own = new Map(this.walk());
    for (const [k, e] of own) {
      const g = given.get(k);
      if (!g) {
        missing.push(k);
        continue;
      }
      const want = e.layout.referenceShape;
      const size = want.reduce((a, b) => a * b, 1);
      if (g.shape.length !== want.length || g.shape.some((d, i) => d !== want[i]) || g.data.length !== size) {
        misShaped.push(`${k}: expected [${want}], got [${g.shape}]`);
      }
    }
    const unexpected = [...given.keys()].filter((k) => !own.has(k));
    if (misShaped.length || (strict && (missing.length || unexpected.length))) {
      const parts = [
        missing.length ? `missing: ${missing.join(', ')}` : '',
        unexpected.length ? `unexpected: ${unexpected.join(', ')}` : '',
        misShaped.length ? `mis-shaped: ${misShaped.join('; ')}` : '',
      ].filter(Boolean);
      throw new NNError('STATE_DICT_MISMATCH', `state dict does not match ${this.constructor.name}: ${parts.join(' | ')}`);
    }
    // The wasm backend copies a new tensor's values into its heap at once; others (cpu, webgpu) keep the array itself.
    const copy = tf.getBackend() !== 'wasm';
    for (const [k, e] of own) {
      const g = given.get(k);
      if (!g) continue;
      tf.tidy(() => {
        // a copy where the backend would keep the caller's array; `new Float32Array` copies natively, `from` iterates
        const values =
          g.data instanceof BigInt64Array
            ? Float32Array.from(g.data, Number)
            : g.data instanceof Float32Array && !copy
              ? g.data
              : new Float32Array(g.data as ArrayLike<number>);
        const t = tf.tensor(values, e.layout.referenceShape, 'float32');
        e.variable.assign(tf.reshape(e.layout.toOurs(t), e.variable.shape));
      });
    }
  }

  /** Dispose every variable of this module and its children. */
  dispose(): void {
    for (const [, e] of this.walk()) e.variable.dispose();
  }
}
