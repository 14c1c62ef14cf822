/**
 * A concurrency limit shared by every caller of the returned `run`: at most
 * `limit` tasks run at once, the rest wait in arrival order. A finishing task
 * hands its slot straight to the next waiter, so a newcomer cannot slip in
 * between and push the count over the limit.
 */
export function concurrencyLimit(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async function run<R>(task: () => Promise<R>): Promise<R> {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
