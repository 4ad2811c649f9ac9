import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { refusal } from './statistics-access';

/** The console's static files, beside this file (found the same way when run from source). */
export const CONSOLE_DIR = join(__dirname, 'console');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Everything the page loads comes from here: no CDN, no inline script. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'";

function loadFiles(dir: string): ReadonlyMap<string, { readonly type: string; readonly bytes: Buffer }> {
  const files = new Map<string, { type: string; bytes: Buffer }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type && !name.includes('.spec.')) files.set(name, { type, bytes: readFileSync(join(dir, name)) });
  }
  return files;
}

/** `/console/`: the central office's web console, static files read once at boot. */
@Controller('console')
export class StatisticsConsoleController {
  private readonly files = loadFiles(CONSOLE_DIR);

  private serve(name: string): StreamableFile {
    const file = this.files.get(name);
    if (!file) throw refusal('STATISTICS.NOT_FOUND', `the console has no file ${JSON.stringify(name.slice(0, 60))}`);
    return new StreamableFile(file.bytes, { type: file.type });
  }

  @Get()
  @Header('Content-Security-Policy', CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  index(): StreamableFile {
    return this.serve('index.html');
  }

  @Get(':file')
  @Header('Content-Security-Policy', CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  file(@Param('file') name: string): StreamableFile {
    return this.serve(name);
  }
}
