/**
 * Start-up progress for `loopgen serve`: the first migration of LOOP creates ~220 tables and takes
 * seconds, so a step says what it is doing and how long it took. On a TTY the line ticks every second
 * (rewritten with \r); elsewhere (logs, CI) one line per finished step.
 */
export interface Progress {
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
}

export const silentProgress: Progress = { step: (_label, work) => work() };

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  return {
    async step(label, work) {
      const started = Date.now();
      const secs = () => ((Date.now() - started) / 1000).toFixed(1);
      let timer: NodeJS.Timeout | undefined;
      if (tty) {
        stream.write(`${label} …`);
        timer = setInterval(() => stream.write(`\r${label} … ${Math.round((Date.now() - started) / 1000)} s`), 1000);
        timer.unref();
      }
      try {
        const result = await work();
        stream.write(`${tty ? '\r\x1b[K' : ''}${label} … done in ${secs()} s\n`);
        return result;
      } catch (err) {
        stream.write(`${tty ? '\r\x1b[K' : ''}${label} … failed after ${secs()} s\n`);
        throw err;
      } finally {
        clearInterval(timer);
      }
    },
  };
}
