/** The logging port libraries use; services pass Nest's logger, tests a silent or capturing one. */
export interface Logger {
  log(message: string, context?: string): void;
  warn(message: string, context?: string): void;
  error(message: string, context?: string): void;
  debug?(message: string, context?: string): void;
}

/** JSON lines on stderr: what a cluster's log collector expects from a library without Nest. */
export const jsonLogger = (service: string): Logger => {
  const write = (level: string) => (message: string, ctx?: string) =>
    process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, service, ctx, message })}\n`);
  return { log: write('info'), warn: write('warn'), error: write('error'), debug: write('debug') };
};

export const silentLogger: Logger = { log: () => undefined, warn: () => undefined, error: () => undefined };
