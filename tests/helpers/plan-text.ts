/** The opening of a Kế hoạch as the structure tests write it: header, type line and title. */
export const PLAN_HEAD: readonly string[] = [
  'ỦY BAN NHÂN DÂN',
  'TỈNH NINH BÌNH',
  'Số: 45/KH-UBND',
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'Ninh Bình, ngày 03 tháng 10 năm 2023',
  'KẾ HOẠCH',
  'Triển khai công tác chuyển đổi số năm 2024',
];

/** Its last body line, "Nơi nhận" and the signer's authority line, up to the signer's title. */
export const PLAN_CLOSING: readonly string[] = ['Các sở, ngành tổ chức thực hiện Kế hoạch này./.', 'Nơi nhận:', '- Các sở, ngành;', '- Lưu: VT.', 'KT. CHỦ TỊCH'];

/** The opening of a Quy chế (no number line, as one issued with a decision), up to the blank line after its title. */
export const RULES_HEAD: readonly string[] = [
  'ỦY BAN NHÂN DÂN',
  'TỈNH LẠNG SƠN',
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'QUY CHẾ',
  'Quản lý hoạt động của Tổ công tác',
  '',
];
