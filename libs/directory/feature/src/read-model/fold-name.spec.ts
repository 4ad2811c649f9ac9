import { foldName } from './fold-name';

describe('foldName', () => {
  it.each([
    ['Văn phòng UBND tỉnh', 'van phong ubnd tinh'],
    ['Bộ Tư Pháp - CQCP', 'bo tu phap - cqcp'],
    ['ĐÀI PHÁT THANH  và Truyền hình', 'dai phat thanh va truyen hinh'],
    ['Sở Giáo dục và Đào tạo', 'so giao duc va dao tao'],
    // the same name typed with combining marks (NFD), as some exports do
    ['Ủy ban'.normalize('NFD'), 'uy ban'],
    ['  Trung tâm\tHành chính công ', 'trung tam hanh chinh cong'],
  ])('%j → %j', (name, folded) => {
    expect(foldName(name)).toBe(folded);
  });
});
