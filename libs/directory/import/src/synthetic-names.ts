// Vocabulary of the synthetic directory: plausible Vietnamese unit names and places.

/** Ministries and government bodies (level 1, letter G). */
export const MINISTRIES = [
  'Tài chính', 'Nội vụ', 'Tư pháp', 'Công Thương', 'Xây dựng', 'Y tế', 'Giáo dục và Đào tạo',
  'Nông nghiệp và Môi trường', 'Khoa học và Công nghệ', 'Văn hóa, Thể thao và Du lịch', 'Ngoại giao',
  'Quốc phòng', 'Công an', 'Dân tộc và Tôn giáo',
] as const;

/** Party and other bodies (level 1, letters other than G, H, K). */
export const PARTY_BODIES = ['Ban Tổ chức', 'Ban Tuyên giáo và Dân vận', 'Ban Kinh tế', 'Ban Nội chính', 'Ủy ban Kiểm tra'] as const;

/** Departments and bureaus (level 2). */
export const LEVEL2_UNITS = [
  'Sở Tài chính', 'Sở Nội vụ', 'Sở Tư pháp', 'Sở Công Thương', 'Sở Xây dựng', 'Sở Y tế', 'Sở Giáo dục và Đào tạo',
  'Sở Nông nghiệp và Môi trường', 'Sở Khoa học và Công nghệ', 'Sở Văn hóa, Thể thao và Du lịch', 'Thanh tra',
  'Văn phòng', 'Cục Quản lý thị trường', 'Ủy ban nhân dân huyện',
] as const;

/** Offices (level 3). */
export const LEVEL3_UNITS = [
  'Phòng Nội vụ', 'Phòng Tài chính - Kế hoạch', 'Phòng Tư pháp', 'Phòng Văn hóa, Thông tin', 'Phòng Y tế',
  'Phòng Giáo dục và Đào tạo', 'Phòng Kinh tế', 'Phòng Quản lý đô thị', 'Văn phòng HĐND và UBND', 'Chi cục Thuế',
] as const;

/** Local units (level 4). */
export const LEVEL4_UNITS = [
  'Ủy ban nhân dân xã', 'Trạm Y tế xã', 'Trường Tiểu học xã', 'Trường Trung học cơ sở xã', 'Trường Mầm non xã',
  'Công an xã', 'Bộ phận Một cửa xã', 'Hội Nông dân xã',
] as const;

/** Places, used as "in charge". */
export const PLACES = [
  'Hà Nội', 'Thành phố Hồ Chí Minh', 'Hải Phòng', 'Đà Nẵng', 'Cần Thơ', 'Huế', 'Tây Ninh', 'Đồng Nai', 'Lâm Đồng',
  'Khánh Hòa', 'Quảng Ninh', 'Thanh Hóa', 'Nghệ An', 'Hà Tĩnh', 'Quảng Trị', 'Quảng Ngãi', 'Gia Lai', 'Đắk Lắk',
  'Đồng Tháp', 'An Giang', 'Vĩnh Long', 'Cà Mau', 'Lào Cai', 'Thái Nguyên', 'Phú Thọ', 'Bắc Ninh', 'Hưng Yên',
  'Ninh Bình', 'Tuyên Quang', 'Cao Bằng', 'Lạng Sơn', 'Lai Châu', 'Điện Biên', 'Sơn La',
] as const;
