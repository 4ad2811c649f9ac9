// The services' HEALTHCHECK (compiled into the images as /app/healthcheck.js): asks the service's
// own HTTP port (HTTP_PORT, which every image sets and a deployment may change) for
// /health/ready, or the path given as the first argument, and exits 0 only on a 200 within the
// deadline. No dependency: the images carry no curl.
const DEADLINE_MS = 4000;

export async function check(port: string | undefined, path: string, deadlineMs = DEADLINE_MS): Promise<{ ok: boolean; detail: string }> {
  if (!port || !/^\d{1,5}$/.test(port) || Number(port) === 0) return { ok: false, detail: `HEALTHCHECK_NO_PORT: HTTP_PORT is ${JSON.stringify(port ?? null)}, not a fixed port` };
  const url = `http://127.0.0.1:${port}${path}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(deadlineMs) });
    const body = (await res.text()).slice(0, 300);
    return { ok: res.status === 200, detail: `${url} answered ${res.status}: ${body}` };
  } catch (err) {
    return { ok: false, detail: `${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

if (require.main === module) {
  void check(process.env['HTTP_PORT'], process.argv[2] ?? '/health/ready').then(({ ok, detail }) => {
    process.stdout.write(`${detail}\n`);
    process.exit(ok ? 0 : 1);
  });
}
