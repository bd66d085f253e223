/**
 * Glob-style matching exactly as Redis's stringmatchlen (KEYS, SCAN MATCH, CONFIG GET, COMMAND LIST):
 * `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges too), `\x` escapes, byte-wise on binary strings,
 * with ASCII-only case folding when `nocase`.
 *
 * The quirks of the C code are kept because clients see them: an unclosed `[` class ends at the end of the
 * pattern, a trailing `\` matches itself, and a text exhausted before the pattern still matches if only
 * `*`s remain. `*` recurses; once the rest of the pattern fails against every suffix, no earlier `*` can
 * help either (a longer match for it only starts the rest later), so the search stops there, which keeps
 * patterns like `a*a*a*a*b` linear-ish instead of exponential. Nesting beyond 1000 stars fails, as Redis.
 */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  skipLonger = false;
  return match(pattern, 0, text, 0, nocase, 0);
}

/** Set when the rest of the pattern after a `*` failed on every suffix (see above); one match at a time. */
let skipLonger = false;

/** Pattern char at i, or 0 past the end (the C code reads the NUL terminator there). */
function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

const STAR = 42;
const QUESTION = 63;
const OPEN = 91;
const CLOSE = 93;
const BACKSLASH = 92;
const CARET = 94;
const DASH = 45;

function match(
  pattern: string,
  p: number,
  text: string,
  t: number,
  nocase: boolean,
  nesting: number,
): boolean {
  const plen = pattern.length;
  const tlen = text.length;
  if (nesting > 1000) return false;
  while (p < plen && t < tlen) {
    switch (pattern.charCodeAt(p)) {
      case STAR: {
        while (p < plen && at(pattern, p + 1) === STAR) p++;
        if (p === plen - 1) return true;
        while (t < tlen) {
          if (match(pattern, p + 1, text, t, nocase, nesting + 1)) return true;
          if (skipLonger) return false;
          t++;
        }
        skipLonger = true;
        return false;
      }
      case QUESTION:
        t++;
        break;
      case OPEN: {
        p++;
        const not = at(pattern, p) === CARET;
        if (not) p++;
        let matched = false;
        const c = text.charCodeAt(t);
        for (;;) {
          const pc = at(pattern, p);
          if (pc === BACKSLASH && plen - p >= 2) {
            p++;
            if (pattern.charCodeAt(p) === c) matched = true;
          } else if (pc === CLOSE && p < plen) {
            break;
          } else if (p >= plen) {
            p--;
            break;
          } else if (plen - p >= 3 && pattern.charCodeAt(p + 1) === DASH) {
            let start = pc;
            let end = pattern.charCodeAt(p + 2);
            let ch = c;
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            p += 2;
            if (ch >= start && ch <= end) matched = true;
          } else if (nocase ? lower(pc) === lower(c) : pc === c) {
            matched = true;
          }
          p++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        t++;
        break;
      }
      default: {
        if (pattern.charCodeAt(p) === BACKSLASH && plen - p >= 2) p++; // an escaped char matches itself
        const pc = pattern.charCodeAt(p);
        const c = text.charCodeAt(t);
        if (nocase ? lower(pc) !== lower(c) : pc !== c) return false;
        t++;
        break;
      }
    }
    p++;
    if (t === tlen) {
      while (at(pattern, p) === STAR && p < plen) p++;
      break;
    }
  }
  return p >= plen && t === tlen;
}
