import type { ChatMessage } from '../protocol';

/**
 * Which turns of a conversation go to the model when all of it does not fit the context.
 * Leading system messages are always kept; the rest is grouped into turns (a user message and
 * the replies after it) and the oldest turns are dropped whole, never half a turn. The turn with
 * the final user message is never dropped.
 */
export interface EvictionPlan {
  messages: ChatMessage[];
  /** Non-system messages left out from the front. */
  evicted: number;
  /** True when even the last turn alone (with the system prompt) does not fit. */
  overflow: boolean;
}

export interface Turns {
  system: ChatMessage[];
  turns: ChatMessage[][];
}

export function groupTurns(messages: readonly ChatMessage[]): Turns {
  let start = 0;
  while (start < messages.length && messages[start]?.role === 'system') start++;
  const turns: ChatMessage[][] = [];
  for (const m of messages.slice(start)) {
    const current = turns.at(-1);
    if (m.role === 'user' || !current) turns.push([m]);
    else current.push(m);
  }
  return { system: messages.slice(0, start), turns };
}

function keep({ system, turns }: Turns, dropped: number): ChatMessage[] {
  return [...system, ...turns.slice(dropped).flat()];
}

function evictedCount(turns: ChatMessage[][], dropped: number): number {
  return turns.slice(0, dropped).reduce((n, t) => n + t.length, 0);
}

/**
 * `fits(messages, budget)` says whether the rendered prompt fits `budget` tokens; it must be
 * monotone (fewer turns never needs more tokens), so a binary search finds the fewest turns to drop.
 *
 * When turns must go, the plan drops enough to leave `slack` tokens free: the next few turns
 * then fit without dropping again, so their prompts keep the same start and reuse the KV cache
 * (every eviction changes the prompt's prefix and costs one full prefill).
 */
export function planEviction(
  messages: readonly ChatMessage[],
  budget: number,
  fits: (messages: ChatMessage[], budget: number) => boolean,
  slack = Math.floor(budget / 4),
): EvictionPlan {
  const grouped = groupTurns(messages);
  const all = keep(grouped, 0);
  if (fits(all, budget)) return { messages: all, evicted: 0, overflow: false };
  const most = Math.max(0, grouped.turns.length - 1);
  const fewest = (target: number): number | null => {
    if (!fits(keep(grouped, most), target)) return null;
    let lo = 1;
    let hi = most;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fits(keep(grouped, mid), target)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const dropped = (slack > 0 ? fewest(budget - slack) : null) ?? fewest(budget);
  if (dropped === null) {
    return { messages: keep(grouped, most), evicted: evictedCount(grouped.turns, most), overflow: true };
  }
  return { messages: keep(grouped, dropped), evicted: evictedCount(grouped.turns, dropped), overflow: false };
}
