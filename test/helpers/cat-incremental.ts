/**
 * The pure parts of CAT's TestIncremental (test_incremental.py, CAT 3.x), re-expressed: which
 * checkpoints the sequential-slices test replays and how many records it then expects, and where it
 * looks for cursor values in a state.
 */

type Json = Record<string, unknown>;

export interface StateMessage {
  type: 'STATE';
  state: {
    type: string;
    stream: { stream_descriptor: { name: string; namespace?: string }; stream_state?: Json | null };
    sourceStats?: { recordCount?: number };
  };
}

/** CAT samples at least this many checkpoints (MIN_BATCHES_TO_TEST). */
const MIN_BATCHES_TO_TEST = 5;

const stateOf = (m: StateMessage): string => JSON.stringify(m.state.stream.stream_state ?? null);
const countOf = (m: { count: number }): number => m.count;

/**
 * _get_unique_state_messages_with_record_count: runs of identical consecutive states collapse into
 * their first message (counting the records of the run, as CAT sums them), states without records
 * are dropped, and each remaining state gets the number of records still to come after it.
 */
export function uniqueStatesWithExpectedCount(
  states: StateMessage[],
): { message: StateMessage; expected: number }[] {
  const counted = states.map((message) => ({ message, count: message.state.sourceStats?.recordCount ?? 0 }));
  if (counted.length <= 1)
    return counted.filter((s) => s.count).map((s) => ({ message: s.message, expected: 0 }));
  const unique: { message: StateMessage; count: number }[] = [];
  let current = 0;
  while (current < counted.length - 1) {
    let next = current + 1;
    while (
      stateOf(counted[current]!.message) === stateOf(counted[next]!.message) &&
      next < counted.length - 1
    )
      next += 1;
    unique.push({
      message: counted[current]!.message,
      count: counted.slice(current, next).reduce((a, s) => a + s.count, 0),
    });
    if (next === counted.length - 1 && stateOf(counted[current]!.message) !== stateOf(counted[next]!.message))
      unique.push(counted[next]!);
    current = next;
  }
  const nonZero = unique.filter((s) => s.count);
  const total = nonZero.reduce((a, s) => a + countOf(s), 0);
  let seen = 0;
  return nonZero.map((s) => {
    seen += s.count;
    return { message: s.message, expected: total - seen };
  });
}

/**
 * _states_with_expected_record_count_batch_selector: with fewer than 3 checkpoints only the last;
 * otherwise a sample (every len/5-th), never the first nor the last.
 */
export function checkpointsToReplay<T>(unique: T[]): T[] {
  if (unique.length < 3) return unique.slice(-1);
  const rate = Math.floor(unique.length / MIN_BATCHES_TO_TEST) || 1;
  return unique.filter((_, index) => index !== 0 && index % rate === 0 && index !== unique.length - 1);
}

/**
 * _get_cursor_values_from_states_by_cursor: every value under a key named like the cursor field,
 * anywhere in the state, or under `cursor` next to a `cursor_field` key (database sources' layout).
 */
export function cursorValuesIn(state: unknown, cursorField: string): unknown[] {
  const values: unknown[] = [];
  const toVisit: unknown[] = [state];
  while (toVisit.length > 0) {
    const node = toVisit.pop();
    if (Array.isArray(node)) toVisit.push(...(node as unknown[]));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === cursorField || ('cursor_field' in node && key === 'cursor')) values.push(value);
        toVisit.push(value);
      }
    }
  }
  return values;
}

/** _check_cursor_by_char_types: same length, letters for letters, digits for digits, same punctuation. */
export function sameCursorShape(actual: string, future: string): boolean {
  if (actual.length !== future.length) return false;
  return [...actual].every((a, i) => {
    const f = future[i]!;
    const letter = (c: string) => /\p{L}/u.test(c);
    const digit = (c: string) => /\p{Nd}/u.test(c);
    if (letter(a) && letter(f)) return true;
    if (digit(a) && digit(f)) return true;
    return !letter(a) && !digit(a) && !letter(f) && !digit(f) && a === f;
  });
}
