import cliProgress from 'cli-progress';

/** Progress of a long command: a bar on a terminal, plain lines otherwise. */
export interface Progress {
  /** `done` of `total` items finished; `text` names the last one. */
  tick(done: number, total: number, text: string): void;
  /** A line of its own (kept above the bar on a terminal). */
  line(text: string): void;
  /** Remove the bar (call once, in `finally`). */
  stop(): void;
}

/** The stream {@link progress} writes to: stderr, or a stand-in in tests. */
export type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; columns?: number };

/**
 * Progress on `stream` (default stderr): on a terminal, a cli-progress bar `label [████░░] 3/10 text` with the
 * lines above it; when `stream` is not a terminal (a pipe, a log file, CI), one plain line per tick,
 * `  [3/10] text`, and the lines as they come.
 */
export function progress(label: string, stream: ProgressStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return {
      tick: (done, total, text) => void stream.write(`  [${done}/${total}] ${text}\n`),
      line: (text) => void stream.write(`${text}\n`),
      stop: () => {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: `  ${label} [{bar}] {value}/{total} {text}`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  return {
    tick(done, total, text) {
      if (!bar) bar = multi.create(total, done, { text });
      else {
        bar.setTotal(total);
        bar.update(done, { text });
      }
    },
    line(text) {
      multi.log(`${text}\n`);
      if (!bar) multi.update();
    },
    stop() {
      multi.update();
      multi.stop();
    },
  };
}
