/**
 * A background loop for outbox workers: runs `round` at once, then again `intervalMs` after each round
 * ends (rounds never overlap); a failed round is logged and the loop goes on. `stop()` waits for the
 * round in progress.
 */
export interface PollWorker {
  stop(): Promise<void>;
}

export function startPolling(label: string, round: () => Promise<unknown>, intervalMs = 2000): PollWorker {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout;
  const tick = () => {
    if (stopped) return;
    running = round()
      .catch((e) => console.error(`${label}:`, (e as Error).message))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
