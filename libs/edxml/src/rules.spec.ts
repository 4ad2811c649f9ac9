import { charLength, isAgencyCode, parseDate, parseDocumentId, parseTimestamp } from './rules';

describe('rules', () => {
  it.each(['000.00.00.G22', '000.00.18.G12', '000.20.32.H53', '001.00.20.J22'])('accepts agency code %s', (code) => {
    expect(isAgencyCode(code)).toBe(true);
  });

  it.each(['28.22.H17', '01.02.G22', '000.1137.H53', '000.00.00.g22', '000.00.00.G2', ' 000.00.00.G22', '000.00.00.JB2'])(
    'rejects agency code %s',
    (code) => {
      expect(isAgencyCode(code)).toBe(false);
    },
  );

  it('parses calendar dates only', () => {
    expect(parseDate('2024/02/29')).toBe(20240229);
    expect(parseDate('2023/02/29')).toBeUndefined();
    expect(parseDate('2014/02/30')).toBeUndefined();
    expect(parseDate('1900/02/29')).toBeUndefined();
    expect(parseDate('2000/02/29')).toBe(20000229);
    expect(parseDate('2018/13/01')).toBeUndefined();
    expect(parseDate('2018-09-28')).toBeUndefined();
  });

  it('parses timestamps', () => {
    expect(parseTimestamp('2018/09/28 17:25:11')).toBe(20180928);
    expect(parseTimestamp('2018/09/28 17:60:11')).toBeUndefined();
    expect(parseTimestamp('2018/09/28')).toBeUndefined();
  });

  it('splits a DocumentId and says what is wrong with a bad one', () => {
    expect(parseDocumentId('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT')).toEqual({
      ok: true,
      parts: { issuer: '000.00.00.G22', date: '2015/09/30', day: 20150930, number: '7816', notation: 'VPCP-TTĐT' },
    });
    expect(parseDocumentId('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT')).toEqual({
      ok: false,
      reason: 'date "2014/02/30" is not a valid yyyy/MM/dd date',
    });
    expect(parseDocumentId('28.22.H17,2015/09/30,1/X')).toMatchObject({ ok: false });
    expect(parseDocumentId('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb')).toMatchObject({ ok: false });
    expect(parseDocumentId('000.00.00.G22,2015/09/30,7816')).toMatchObject({ ok: false });
  });

  it('counts code points', () => {
    expect(charLength('Đà Nẵng')).toBe(7);
    expect(charLength('😀😀')).toBe(2);
  });
});
