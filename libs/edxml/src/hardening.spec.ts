import { Readable } from 'node:stream';
import { discardSink } from './attachment-sink';
import type { EdxmlErrorCode } from './codes';
import { EdxmlError } from './edxml.error';
import type { EdxmlLimits } from './limits';
import { parseEdxml, parseEdxmlStream } from './parse-package';
import { sample } from './test-support/fixtures';

const NS = 'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"';

function thrown(run: () => unknown): EdxmlError {
  try {
    run();
  } catch (error) {
    if (error instanceof EdxmlError) return error;
    throw new Error(`expected an EdxmlError, got ${String(error)}`);
  }
  throw new Error('expected an EdxmlError, nothing was thrown');
}

function codeOf(input: string | Uint8Array, limits?: Partial<EdxmlLimits>): EdxmlErrorCode {
  return thrown(() => parseEdxml(input, { limits })).code;
}

describe('hardening', () => {
  describe('DTDs and entities', () => {
    it('rejects an XXE sample before any entity is resolved', () => {
      const xxe = `<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML ${NS}><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&xxe;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;
      const error = thrown(() => parseEdxml(xxe));
      expect(error.code).toBe('EDXML.DTD_FORBIDDEN');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('EdxmlError');
    });

    it('rejects a billion-laughs sample', () => {
      const lol = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE lolz [',
        ' <!ENTITY lol "lol">',
        ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
        ']>',
        `<edXML ${NS}>&lol9;</edXML>`,
      ].join('\n');
      expect(codeOf(lol)).toBe('EDXML.DTD_FORBIDDEN');
    });

    it('rejects an external DTD reference', () => {
      expect(codeOf(`<!DOCTYPE edXML SYSTEM "http://attacker.example/x.dtd"><edXML ${NS}/>`)).toBe('EDXML.DTD_FORBIDDEN');
    });

    it('rejects a DOCTYPE before buffering it, however long it is', () => {
      const huge = `<!DOCTYPE edXML [${'<!-- x -->'.repeat(300_000)}]><edXML/>`;
      expect(codeOf(huge)).toBe('EDXML.DTD_FORBIDDEN');
    });

    it('rejects a reference to an undeclared entity', () => {
      expect(codeOf(`<edXML ${NS}><edXMLEnvelope>&xxe;</edXMLEnvelope></edXML>`)).toBe('EDXML.ENTITY_FORBIDDEN');
    });

    it('still decodes the predefined entities and character references', () => {
      const xml = `<edXML ${NS}><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>a &amp; b &lt; c &#272;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;
      const { package: pkg } = parseEdxml(xml);
      expect(pkg.kind === 'edoc' && pkg.header.subject).toBe('a & b < c Đ');
    });
  });

  describe('structure limits', () => {
    it('rejects a deeply nested sample', () => {
      const depth = 100_000;
      const deep = `<edXML ${NS}>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</edXML>`;
      const error = thrown(() => parseEdxml(deep));
      expect(error.code).toBe('EDXML.TOO_DEEP');
      expect(error.message).toContain('32');
    });

    it('honours a custom depth limit', () => {
      expect(codeOf(sample('status.edxml'), { maxDepth: 5 })).toBe('EDXML.TOO_DEEP');
      expect(parseEdxml(sample('status.edxml'), { limits: { maxDepth: 6 } }).package.kind).toBe('status');
    });

    it('rejects too many elements', () => {
      const many = `<edXML ${NS}>${'<a/>'.repeat(100_001)}</edXML>`;
      expect(codeOf(many)).toBe('EDXML.TOO_MANY_ELEMENTS');
      expect(codeOf(sample('status.edxml'), { maxElements: 10 })).toBe('EDXML.TOO_MANY_ELEMENTS');
    });

    it('reads a wide tree in linear time', () => {
      const wide = `<edXML ${NS}>${'<x/>'.repeat(99_000)}</edXML>`;
      const started = Date.now();
      const { findings } = parseEdxml(wide, { validate: false });
      expect(findings.filter((f) => f.code === 'EDXML.UNKNOWN_ELEMENT')).toHaveLength(99_000);
      expect(findings[1]?.path).toBe('edXML/x[1]');
      // Quadratic work would take minutes here.
      expect(Date.now() - started).toBeLessThan(4000);
    });

    it('resolves namespaces through a chain, not copies, for many declarations', () => {
      const decls = Array.from({ length: 2000 }, (_, i) => ` xmlns:p${i}="urn:${i}"`).join('');
      const children = Array.from({ length: 2000 }, (_, i) => `<p${i}:x xmlns:q${i}="urn:q"/>`).join('');
      const { findings } = parseEdxml(`<edXML ${NS}${decls}>${children}</edXML>`, { validate: false });
      expect(findings.filter((f) => f.code === 'EDXML.UNKNOWN_ELEMENT')).toHaveLength(2000);
    });

    it('rejects a package over the total size limit', () => {
      const bytes = sample('edoc_new.edxml');
      expect(codeOf(bytes, { maxTotalBytes: bytes.length - 1 })).toBe('EDXML.TOO_LARGE');
      expect(parseEdxml(bytes, { limits: { maxTotalBytes: bytes.length } }).package.kind).toBe('edoc');
    });

    it('stops reading a stream as soon as it is over the limit', async () => {
      let pulled = 0;
      async function* endless(): AsyncGenerator<Buffer> {
        yield Buffer.from(`<edXML ${NS}><AttachmentEncoded><Attachment><ContentTransferEncoded>`);
        for (;;) {
          pulled++;
          yield Buffer.alloc(64 * 1024, 'A');
        }
      }
      await expect(parseEdxmlStream(endless(), discardSink, { limits: { maxTotalBytes: 1024 * 1024 } })).rejects.toMatchObject({
        code: 'EDXML.TOO_LARGE',
      });
      expect(pulled).toBe(16);
    });

    it('limits the in-memory part separately from attachment content', () => {
      expect(codeOf(sample('edoc_update.edxml'), { maxMarkupBytes: 4096 })).toBe('EDXML.TOO_LARGE');
      // 361 KB of base64 is not markup: a 16 KB markup budget is plenty.
      expect(parseEdxml(sample('edoc_update.edxml'), { limits: { maxMarkupBytes: 16 * 1024 } }).package.kind).toBe('edoc');
    });
  });

  describe('text size', () => {
    const wrap = (inner: string): string =>
      `<edXML ${NS}><edXMLEnvelope><edXMLHeader><MessageHeader>${inner}</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;

    it('rejects a huge text node', () => {
      expect(codeOf(wrap(`<Subject>${'a'.repeat(1024 * 1024 + 1)}</Subject>`))).toBe('EDXML.TEXT_TOO_LARGE');
    });

    it('rejects a huge comment, CDATA section, attribute or processing instruction', () => {
      const big = 'x'.repeat(2000);
      const limits = { maxTextLength: 1000 };
      expect(codeOf(wrap(`<!--${big}-->`), limits)).toBe('EDXML.TEXT_TOO_LARGE');
      expect(codeOf(wrap(`<Subject><![CDATA[${big}]]></Subject>`), limits)).toBe('EDXML.TEXT_TOO_LARGE');
      expect(codeOf(wrap(`<Subject a="${big}"/>`), limits)).toBe('EDXML.TEXT_TOO_LARGE');
      expect(codeOf(wrap(`<?pi ${big}?>`), limits)).toBe('EDXML.TEXT_TOO_LARGE');
    });

    it('exempts attachment content, which streams', () => {
      const { package: pkg } = parseEdxml(sample('edoc_new.edxml'), { limits: { maxTextLength: 4096 } });
      expect(pkg.attachments[0]?.size).toBe(270823);
    });
  });

  describe('malformed input', () => {
    it.each([
      ['not XML at all', 'hello'],
      ['a truncated document', `<edXML ${NS}><edXMLEnvelope>`],
      ['an end tag matching nothing', `<edXML ${NS}></nothing></edXML>`],
      ['two roots', `<edXML ${NS}/><edXML ${NS}/>`],
      ['an attribute without quotes', `<edXML ${NS} a=b/>`],
      ['an empty input', ''],
    ])('rejects %s', (_, xml) => {
      expect(codeOf(xml)).toBe('EDXML.MALFORMED_XML');
    });

    it('rejects bytes that are not UTF-8', () => {
      const bytes = Buffer.concat([Buffer.from(`<edXML ${NS}><a>`), Buffer.from([0xc3, 0x28]), Buffer.from('</a></edXML>')]);
      expect(codeOf(bytes)).toBe('EDXML.MALFORMED_XML');
    });

    it('rejects a declared encoding other than UTF-8', () => {
      expect(codeOf(`<?xml version="1.0" encoding="ISO-8859-1"?><edXML ${NS}/>`)).toBe('EDXML.UNSUPPORTED_ENCODING');
    });

    it('rejects a document that is not edXML', () => {
      const error = thrown(() => parseEdxml('<html><body/></html>'));
      expect(error.code).toBe('EDXML.NOT_EDXML');
    });

    it('accepts a UTF-8 byte order mark', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sample('status.edxml')]);
      expect(parseEdxml(bytes).package.kind).toBe('status');
      expect(parseEdxml(`\uFEFF${sample('status.edxml').toString('utf8')}`).package.kind).toBe('status');
    });
  });

  it('rejects a stream whose attachment never ends, telling the sink', async () => {
    const aborted: string[] = [];
    const sink = {
      open: () => ({
        write: () => undefined,
        end: () => undefined,
        abort: (error: Error) => {
          aborted.push(error.message);
        },
      }),
    };
    const truncated = sample('edoc_new.edxml').subarray(0, 100_000);
    await expect(parseEdxmlStream(Readable.from([truncated]), sink)).rejects.toMatchObject({ code: 'EDXML.MALFORMED_XML' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(aborted).toHaveLength(1);
  });
});
