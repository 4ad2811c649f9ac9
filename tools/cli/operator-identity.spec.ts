import { initPkiDirectory, issueSystemInDirectory, pkiPaths } from '@vdx/pki';
import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listDeadDeliveries } from './dead-letter-deliveries';
import { loadOperatorIdentity, withOperatorIdentity } from './operator-identity';

describe('the operator identity of `vdx` commands', () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vdx-operator-'));
    dir = join(root, 'pki');
    await initPkiDirectory(dir);
    await issueSystemInDirectory(dir, 'qlvb-tayninh');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the operator certificate, its key beside it (.crt → .key) and the CA', () => {
    const paths = pkiPaths(dir);
    const identity = loadOperatorIdentity({ cert: paths.operator('operator').certPath, ca: paths.ca.certPath });
    expect(identity.identity).toEqual({ kind: 'operator', name: 'operator' });
  });

  it('says how to get one when the certificate is missing', () => {
    expect(() => loadOperatorIdentity({ cert: join(root, 'nowhere/operator.crt'), ca: pkiPaths(dir).ca.certPath })).toThrow(
      expect.objectContaining({ code: 'PKI.NOT_FOUND', message: expect.stringMatching(/nowhere\/operator\.crt.*npm run vdx -- pki init.*--cert/s) }),
    );
  });

  it("refuses a connected system's or a service's certificate as an operator's", () => {
    const paths = pkiPaths(dir);
    expect(() => loadOperatorIdentity({ cert: paths.system('qlvb-tayninh').certPath, ca: paths.ca.certPath })).toThrow(expect.objectContaining({ code: 'PKI.WRONG_IDENTITY', message: expect.stringContaining('system:qlvb-tayninh, not an operator identity') }));
    expect(() => loadOperatorIdentity({ cert: paths.service('gateway').certPath, ca: paths.ca.certPath })).toThrow(expect.objectContaining({ code: 'PKI.WRONG_IDENTITY' }));
  });

  it('refuses before dialling: `deliveries dead` without a certificate never reaches the network', async () => {
    await expect(listDeadDeliveries({ url: '127.0.0.1:1', cert: join(root, 'missing.crt'), ca: pkiPaths(dir).ca.certPath, json: true, limit: 1 })).rejects.toMatchObject({ code: 'PKI.NOT_FOUND' });
  });

  it('adds --cert, --key and --ca with the defaults under .local/pki', () => {
    const command = withOperatorIdentity(new Command('x'));
    const byName = Object.fromEntries(command.options.map((o) => [o.long, o.defaultValue as unknown]));
    expect(byName).toEqual({ '--cert': process.env['VDX_OPERATOR_CERT'] ?? '.local/pki/operators/operator.crt', '--key': process.env['VDX_OPERATOR_KEY'], '--ca': process.env['VDX_OPERATOR_CA'] ?? '.local/pki/ca.crt' });
  });
});
