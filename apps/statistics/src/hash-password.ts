// Prints the `passwordHash` of a console account: the password is read from standard input
// (one line), never from the command line, so it stays out of the shell history.
//   node -r @swc-node/register apps/statistics/src/hash-password.ts
import { hashPassword } from '@vdx/statistics-domain';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  if (process.stdin.isTTY) process.stderr.write('password: ');
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password.length < 8) {
    process.stderr.write('hash-password: STATISTICS.BAD_LOGIN_BODY: a password of at least 8 characters is expected on standard input\n');
    process.exit(1);
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
}

void main();
