import { OnetIOError } from './errors.js';

/** Options shared by every reader: the name used in error messages. */
export interface ReadOptions {
  /** File name or URL shown in error messages (and used for format detection by `parseMesh`). */
  source?: string;
}

/**
 * Decode a text file as UTF-8 (a UTF-8 BOM is skipped). Empty files, UTF-16 files (BOM or NUL bytes) and
 * binary files are refused with a typed error, so a reader never sees garbage text.
 * @internal
 */
export function decodeText(bytes: Uint8Array, source: string, from = 0): string {
  if (bytes.length - from <= 0) throw new OnetIOError('EMPTY', 'the file is empty', source, `byte ${from}`);
  const b0 = bytes[from];
  const b1 = bytes[from + 1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    throw new OnetIOError(
      'UNSUPPORTED_FORMAT',
      'the file is UTF-16 text; convert it to UTF-8 or ASCII (e.g. `iconv -f UTF-16 -t UTF-8`)',
      source,
      `byte ${from}`,
    );
  }
  const nul = bytes.indexOf(0, from);
  if (nul >= 0) {
    throw new OnetIOError(
      'UNSUPPORTED_FORMAT',
      'NUL byte in a text file: it is UTF-16 or binary, not ASCII/UTF-8 text; convert it or pass the right format',
      source,
      `byte ${nul}`,
    );
  }
  if (b0 === 0xef && b1 === 0xbb && bytes[from + 2] === 0xbf) from += 3;
  let text = new TextDecoder('utf-8').decode(bytes.subarray(from));
  if (text.indexOf('\n') < 0 && text.indexOf('\r') >= 0) text = text.replace(/\r/g, '\n');
  return text;
}

/**
 * Reads a text file line by line, returning each non-empty line as whitespace-separated tokens, with
 * comments (from `comment` to the end of the line) removed. `line` is the 1-based number of the line last
 * returned.
 * @internal
 */
export class LineReader {
  line: number;
  private pos = 0;
  private readonly toks: string[] = [];
  constructor(
    private readonly text: string,
    private readonly comment: string | null = '#',
    firstLine = 1,
  ) {
    this.line = firstLine - 1;
  }

  /**
   * Tokens of the next non-blank line, or `null` at the end of the text. The returned array is reused by
   * the next call: copy it to keep it.
   */
  next(): string[] | null {
    const text = this.text;
    const n = text.length;
    const comment = this.comment === null ? -1 : this.comment.charCodeAt(0);
    const toks = this.toks;
    let pos = this.pos;
    while (pos < n) {
      toks.length = 0;
      this.line++;
      let start = -1;
      let inComment = false;
      for (;;) {
        const c = pos < n ? text.charCodeAt(pos) : 10;
        if (c === 10) {
          if (start >= 0) toks.push(text.slice(start, pos));
          pos++;
          break;
        }
        if (!inComment) {
          if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
            if (start >= 0) {
              toks.push(text.slice(start, pos));
              start = -1;
            }
          } else if (c === comment) {
            if (start >= 0) toks.push(text.slice(start, pos));
            start = -1;
            inComment = true;
          } else if (start < 0) start = pos;
        }
        pos++;
      }
      if (toks.length > 0) {
        this.pos = pos;
        return toks;
      }
    }
    this.pos = pos;
    return null;
  }

  /** Byte-free location string for errors. */
  where(): string {
    return `line ${this.line}`;
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parse a decimal number token; throws a typed error naming the location otherwise. @internal */
export function parseNumber(tok: string, source: string, where: string): number {
  const x = Number(tok);
  if (Number.isFinite(x) && DECIMAL.test(tok)) return x;
  if (/^[+-]?(nan|inf|infinity|1\.#inf|1\.#qnan|1\.#ind)$/i.test(tok) || (!Number.isFinite(x) && DECIMAL.test(tok))) {
    throw new OnetIOError('NON_FINITE', `non-finite number ${JSON.stringify(tok)}; fix or remove that vertex`, source, where);
  }
  throw new OnetIOError('PARSE_ERROR', `expected a number, found ${JSON.stringify(tok.slice(0, 40))}`, source, where);
}

/** Parse an integer token. @internal */
export function parseInteger(tok: string, source: string, where: string): number {
  const x = Number(tok);
  if (!Number.isInteger(x) || !/^[+-]?\d+$/.test(tok)) {
    throw new OnetIOError('PARSE_ERROR', `expected an integer, found ${JSON.stringify(tok.slice(0, 40))}`, source, where);
  }
  return x;
}
