// One autocannon run in a child process, so the load generator's JavaScript does not share the event
// loop of the server being measured (it still shares the machine's cores, equally for both sides).
// A child process rather than a worker thread: autocannon only aggregates results on a main thread.
import autocannon from 'autocannon';

process.once('message', async ({ url, method, headers, body, connections, seconds }) => {
  const result = await autocannon({
    url,
    method,
    headers,
    body,
    // `[<id>]` in a create body becomes a fresh id per request (unique names).
    idReplacement: body !== undefined,
    connections,
    duration: seconds,
  });
  process.send(
    {
      rps: result.requests.average,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
    },
    () => process.exit(0),
  );
});
