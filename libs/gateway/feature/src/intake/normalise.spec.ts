import { normaliseDate, normaliseTimestamp } from './normalise';

describe('normaliseDate', () => {
  it.each([
    ['2020/10/30', '2020/10/30'],
    ['30/10/2020', '2020/10/30'],
    ['3/9/2020', '2020/09/03'],
    ['30-10-2020', '2020/10/30'],
    ['30.10.2020', '2020/10/30'],
    ['2020-10-30', '2020/10/30'],
    [' 29/02/2024 ', '2024/02/29'],
  ])('reads %j as %s', (written, date) => expect(normaliseDate(written)).toBe(date));

  it.each(['2014/02/30', '31/04/2020', '10/30/2020', '30/10/20', '2020/13/01', 'hôm nay', ''])('has no reading of %j', (written) => {
    expect(normaliseDate(written)).toBeUndefined();
  });
});

describe('normaliseTimestamp', () => {
  it.each([
    ['2015/09/20 11:08:36', '2015/09/20 11:08:36'],
    ['20/09/2015 11:08:36', '2015/09/20 11:08:36'],
    ['2015-09-20T11:08:36', '2015/09/20 11:08:36'],
  ])('reads %j as %s', (written, at) => expect(normaliseTimestamp(written)).toBe(at));

  it.each(['2015/09/20', '20/09/2015 24:00:00', '2015/09/20 11:08', '2015-09-20T11:08:36Z', '31/09/2015 10:00:00'])('has no reading of %j', (written) => {
    expect(normaliseTimestamp(written)).toBeUndefined();
  });
});
