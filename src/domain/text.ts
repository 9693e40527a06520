/**
 * Text the database can store. PostgreSQL refuses NUL in text and jsonb, and a lone UTF-16
 * surrogate cannot be encoded as UTF-8 (jsonb refuses its escape; text would silently get U+FFFD).
 * Every input is checked against this one rule before it is used: strings and object keys,
 * at any depth (and the depth itself is bounded).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is refused.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface UnstorableText {
  /** Where it is: object keys and array indexes from the root. */
  path: (string | number)[];
  reason: string;
}

function problem(text: string): string | null {
  const match = UNSTORABLE.exec(text);
  if (!match) return null;
  return match[0] === '\u0000'
    ? 'must not contain NUL (\\u0000)'
    : 'must not contain a lone UTF-16 surrogate';
}

/** A step of the walk: the parent's node, so that a path is built only when something is found. */
interface Node {
  value: unknown;
  key: string | number | null;
  parent: Node | null;
  depth: number;
}

/**
 * Deeper input is refused: no schema of ours nests anywhere near this, and whatever recursion
 * meets the input later (hashing, serialising) stays far from the stack's limit.
 */
export const MAX_INPUT_DEPTH = 32;

function pathOf(node: Node, last?: string): (string | number)[] {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let at: Node | null = node; at && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The first string (or key) in `value` that cannot be stored, or an object nested too deep, or null. Iterative and linear,
 * so that a deeply nested body can neither overflow the stack nor take quadratic time.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
  const stack: Node[] = [{ value, key: null, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    const current = node.value;
    if (node.depth > MAX_INPUT_DEPTH && current !== null && typeof current === 'object') {
      return { path: pathOf(node), reason: `must not nest deeper than ${MAX_INPUT_DEPTH} levels` };
    }
    if (typeof current === 'string') {
      const reason = problem(current);
      if (reason) return { path: pathOf(node), reason };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: current[i], key: i, parent: node, depth: node.depth + 1 });
      }
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const reason = problem(key);
        if (reason) return { path: pathOf(node, key), reason: `key ${reason}` };
        stack.push({ value: child, key, parent: node, depth: node.depth + 1 });
      }
    }
  }
  return null;
}
