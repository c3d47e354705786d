/*
 * Words of the collector's staff pages: Vietnamese first, English second. Plain words for busy,
 * non-technical staff. Numbers and dates are formatted here too (Vietnamese: 1.234 and 82,66%).
 */
import { formatPercent } from '../../shared/survey';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Cookie that remembers the language chosen with ?lang=. */
export const LANG_COOKIE = 'sipas_admin_lang';

const vi = {
  layout: {
    brand: 'SIPAS – Quản trị',
    navigation: 'Các trang quản trị',
    logout: 'Đăng xuất',
    otherLanguage: 'English',
    all: 'Tất cả',
    none: 'Không có',
    never: 'Chưa bao giờ',
    back: 'Quay lại',
  },
  nav: { fleet: 'Tình trạng các máy', devices: 'Thiết bị', report: 'Báo cáo SIPAS', export: 'Xuất dữ liệu', import: 'Nhập tệp dự phòng' },
  login: {
    title: 'Đăng nhập quản trị',
    intro: 'Trang dành cho cán bộ quản trị hệ thống khảo sát sự hài lòng SIPAS.',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    wrong: 'Mật khẩu không đúng.',
    locked: (seconds: number) => `Đã nhập sai nhiều lần. Xin đợi ${seconds} giây rồi thử lại.`,
    noPassword:
      'Máy chủ chưa có mật khẩu quản trị. Người cài đặt máy chủ cần chạy lệnh “tsx src/collector/cli/admin-cli.ts set-password” (hoặc đặt biến môi trường COLLECTOR_ADMIN_PASSWORD trước lần chạy đầu).',
    loggedOut: 'Bạn đã đăng xuất.',
    signInAgain: 'Xin đăng nhập để tiếp tục. (Phiên làm việc kéo dài 8 giờ.)',
  },
  errors: {
    title: 'Có lỗi',
    generic: 'Không thực hiện được yêu cầu. Xin thử lại; nếu vẫn lỗi, hãy báo người quản lý máy chủ.',
    notFound: 'Không có trang này.',
    forbidden: 'Yêu cầu không đến từ trang quản trị của máy chủ này nên đã bị từ chối. Xin mở lại trang và làm lại.',
    badFilter: 'Bộ lọc chưa đúng:',
    unknownDefinition: (id: string) => `Máy chủ không có bộ câu hỏi “${id}”.`,
    noDevice: 'Không tìm thấy thiết bị này.',
  },
  devices: {
    title: 'Thiết bị (máy tính bảng)',
    intro:
      'Mỗi máy tính bảng cần một mã thiết bị để gửi phiếu về máy chủ. Đăng ký máy ở đây rồi dùng máy tính bảng quét mã QR để cài đặt — không phải gõ mã.',
    registerHeading: 'Đăng ký máy mới',
    label: 'Tên máy',
    labelHint: 'Để nhận ra máy trong danh sách. Ví dụ: Máy tính bảng quầy 1',
    agency: 'Mã cơ quan',
    agencyHint: 'Ví dụ: TTHCC-HN',
    counter: 'Mã quầy',
    counterHint: 'Ví dụ: Q01',
    register: 'Đăng ký và tạo mã',
    listHeading: 'Các máy đã đăng ký',
    place: 'Cơ quan / quầy',
    registeredAt: 'Đăng ký lúc',
    status: 'Trạng thái',
    actions: 'Thao tác',
    active: 'Đang dùng',
    revoked: (when: string) => `Đã thu hồi lúc ${when}`,
    rotate: 'Cấp mã mới',
    rotateConfirm: (label: string) =>
      `Cấp mã mới cho máy “${label}”? Mã cũ ngừng hoạt động ngay; máy phải được cài đặt lại bằng mã mới.`,
    revoke: 'Thu hồi',
    revokeConfirm: (label: string) => `Thu hồi máy “${label}”? Máy sẽ không gửi được phiếu nữa. Các phiếu đã nhận vẫn được giữ.`,
    revokedNotice: (label: string) => `Đã thu hồi máy “${label}”. Các phiếu đã nhận vẫn được giữ.`,
    empty: 'Chưa có máy nào. Hãy đăng ký máy đầu tiên ở trên.',
    invalid: 'Chưa đăng ký được. Xin sửa các ô có thông báo đỏ.',
    labelError: 'Xin điền tên máy (tối đa 120 ký tự).',
    agencyError: 'Xin điền mã cơ quan (tối đa 64 ký tự).',
    counterError: 'Xin điền mã quầy (tối đa 64 ký tự).',
  },
  token: {
    titleNew: (label: string) => `Mã cài đặt cho máy “${label}”`,
    titleRotated: (label: string) => `Mã mới cho máy “${label}”`,
    once: 'Mã này chỉ hiện MỘT lần. Máy chủ không lưu mã ở dạng đọc được nên không ai xem lại được. Nếu làm mất, hãy bấm “Cấp mã mới”.',
    step1: 'Trên máy tính bảng, mở máy ảnh (camera) và quét mã QR dưới đây; hoặc mở đường liên kết cài đặt trên máy tính bảng.',
    step2: 'Ứng dụng khảo sát tự lưu mã thiết bị và địa chỉ máy chủ, rồi xoá đường liên kết khỏi thanh địa chỉ.',
    step3: 'Sau vài phút, máy sẽ hiện trong trang “Tình trạng các máy”.',
    qrCaption: 'Mã QR của đường liên kết cài đặt',
    loopback:
      'Chú ý: trang này đang mở bằng địa chỉ chỉ dùng được trên chính máy chủ, nên máy tính bảng không mở được đường liên kết dưới đây. Hãy mở trang quản trị bằng địa chỉ mạng của máy chủ (hoặc chạy máy chủ với --public-url) rồi bấm “Cấp mã mới”.',
    link: 'Đường liên kết cài đặt',
    token: 'Mã thiết bị (chỉ dùng khi phải gõ tay vào phần Cài đặt của máy)',
    device: 'Mã số máy',
    back: 'Về danh sách thiết bị',
  },
  fleet: {
    title: 'Tình trạng các máy',
    intro:
      'Máy cần xem xét được xếp lên đầu, kèm lý do. Hàng đợi, bộ nhớ và phiên bản là do máy tự báo trong lần gửi gần nhất.',
    summary: (attention: number, ok: number, revoked: number) =>
      `${attention} máy cần xem xét · ${ok} máy bình thường · ${revoked} máy đã thu hồi`,
    device: 'Máy',
    lastContact: 'Liên lạc gần nhất',
    state: 'Tình trạng',
    queue: 'Phiếu chờ gửi trên máy',
    received: 'Phiếu đã nhận',
    gaps: 'Thiếu số thứ tự',
    versions: 'Phiên bản',
    storage: 'Bộ nhớ',
    ok: 'Bình thường',
    revoked: 'Đã thu hồi',
    noReport: 'Máy chưa báo',
    queueCount: (n: string) => `${n} phiếu`,
    oldestWaiting: (age: string) => `phiếu lâu nhất đã chờ ${age}`,
    persisted: 'được giữ lâu dài',
    notPersisted: 'chưa được giữ lâu dài',
    persistUnknown: 'không rõ',
    usage: (used: string, quota: string) => `đã dùng ${used} / ${quota}`,
    app: 'Ứng dụng',
    definition: 'Bộ câu hỏi',
    lastError: 'Lỗi máy báo',
    noGaps: 'Không thiếu',
    missing: (n: string) => `thiếu ${n} phiếu`,
    kiosk: 'máy',
    empty: 'Chưa có máy nào. Vào trang “Thiết bị” để đăng ký.',
    problems: {
      neverContacted: 'Chưa kết nối lần nào: máy chưa được cài đặt bằng mã, hoặc chưa có mạng.',
      stale: (age: string) => `Đã ${age} không liên lạc (quá 24 giờ): xin kiểm tra máy còn bật và có mạng.`,
      gaps: (n: string, ranges: string) =>
        `Thiếu ${n} phiếu theo số thứ tự (${ranges}): phiếu có thể đã mất trên đường gửi. Nếu máy còn phiếu, hãy xuất tệp dự phòng trên máy và nhập vào đây.`,
      queueOld: (age: string, n: string) => `Có phiếu đã chờ gửi ${age} (${n} phiếu đang chờ): máy không gửi được về máy chủ.`,
      conflicts: (n: string) => `${n} phiếu trùng mã nhưng khác nội dung đang chờ xem xét.`,
      rejected: (n: string) => `${n} phiếu bị máy chủ từ chối đang chờ xem xét.`,
      storageNotPersisted: 'Bộ nhớ trình duyệt chưa được giữ lâu dài: dữ liệu có thể bị xoá khi máy thiếu chỗ.',
    },
  },
  filters: {
    definition: 'Bộ câu hỏi',
    version: 'Phiên bản',
    anyVersion: 'Mọi phiên bản',
    agency: 'Cơ quan',
    counter: 'Quầy',
    field: 'Lĩnh vực thủ tục',
    from: 'Từ ngày',
    to: 'Đến ngày',
    datesHint: 'Theo giờ Việt Nam, tính cả ngày đầu và ngày cuối.',
    versionLabel: (v: number) => `Phiên bản ${v}`,
  },
  export: {
    title: 'Xuất dữ liệu',
    intro:
      'Tải về mọi phiếu khớp bộ lọc, mỗi phiếu một dòng, mỗi câu hỏi một cột. Không giới hạn số dòng; 100.000 phiếu mất vài giây.',
    labels: 'Ghi câu trả lời bằng chữ (ví dụ “4 – Hài lòng”) thay vì mã số',
    count: 'Đếm số phiếu',
    counted: (n: string) => `${n} phiếu khớp bộ lọc.`,
    csv: 'Tải CSV (mở bằng Excel)',
    xlsx: 'Tải XLSX (Excel)',
    json: 'Tải JSON',
    csvNote:
      'CSV: mở thẳng bằng Excel, tiếng Việt hiển thị đúng. Ô bắt đầu bằng = + - @ được thêm dấu nháy đơn để Excel không chạy như công thức.',
    xlsxNote: 'XLSX: có thêm trang “Chú thích – Legend” giải thích từng cột và từng mã trả lời.',
    jsonNote: 'JSON: một mảng các phiếu, dành cho lập trình viên.',
    timesNote: 'Giờ trong tệp là giờ UTC (giờ Việt Nam = UTC + 7). Số dòng có trong tiêu đề X-Row-Count của tệp tải về.',
  },
  import: {
    title: 'Nhập tệp dự phòng',
    intro:
      'Khi máy tính bảng không gửi được phiếu về máy chủ, cán bộ tải “tệp dự phòng các phiếu chưa gửi” trên máy (Khu vực cán bộ → Xuất dữ liệu) rồi nhập vào đây. Nhập một tệp nhiều lần, hoặc nhập phiếu mà sau đó máy vẫn gửi được, cũng không tạo phiếu trùng.',
    file: 'Tệp dự phòng (.json)',
    device: 'Máy đã xuất tệp (không bắt buộc)',
    deviceHint: 'Chọn máy để các phiếu được tính cho máy đó trong trang “Tình trạng các máy”.',
    noDevice: 'Không chọn',
    submit: 'Nhập tệp',
    working: 'Đang nhập…',
    resultHeading: 'Kết quả nhập tệp',
    fileOf: (kioskId: string, exportedAt: string) => `Tệp của máy ${kioskId}, xuất lúc ${exportedAt}.`,
    total: 'Số phiếu trong tệp',
    created: 'Phiếu mới đã nhập',
    duplicate: 'Đã có sẵn, không nhập lại',
    conflict: 'Trùng mã nhưng khác nội dung (giữ bản đã có, bản trong tệp được để riêng)',
    rejected: 'Bị từ chối',
    problemsHeading: 'Phiếu cần xem xét',
    index: 'Thứ tự trong tệp',
    responseId: 'Mã phiếu',
    outcome: 'Kết quả',
    reason: 'Lý do',
    noFile: 'Xin chọn một tệp.',
    notJson: 'Tệp này không phải tệp dự phòng (JSON).',
    failed: 'Không nhập được tệp:',
    network: 'Không kết nối được máy chủ. Xin thử lại.',
    signedOut: 'Phiên làm việc đã hết hạn. Xin tải lại trang và đăng nhập.',
  },
  report: {
    title: 'Báo cáo chỉ số hài lòng SIPAS',
    show: 'Xem báo cáo',
    print: 'In báo cáo',
    json: 'Tải số liệu (JSON)',
    overall: 'Chỉ số hài lòng chung (SIPAS)',
    basedOn: (n: string) => `tính trên ${n} phiếu đầy đủ`,
    partial: (n: string) => `${n} phiếu bỏ dở không được tính`,
    scope: 'Phạm vi',
    generatedAt: 'Lập lúc',
    period: (from: string, to: string) => `từ ${from} đến ${to}`,
    wholeTime: 'toàn bộ thời gian',
    methodHeading: 'Cách tính',
    method:
      '% hài lòng của một câu = số trả lời ở mức 4 (Hài lòng) hoặc 5 (Rất hài lòng) ÷ số trả lời hợp lệ (mức 1 đến 5) × 100. Mức 3 (Bình thường) không tính là hài lòng. Câu bị bỏ qua hoặc không áp dụng (ví dụ yếu tố 5 chỉ hỏi người đã có phản ánh, kiến nghị) không được tính vào mẫu số và không bao giờ được gán điểm. Chỉ số của mỗi yếu tố là trung bình cộng % hài lòng của các câu trong yếu tố có ít nhất một trả lời hợp lệ; chỉ số SIPAS chung là trung bình cộng của các yếu tố có số liệu. Chỉ tính phiếu đầy đủ. Đây là cách tổng hợp được chọn và nêu rõ (tên: “item-percent-mean”), vì Bộ Nội vụ chưa công bố đầy đủ cách tổng hợp; vì vậy mọi tỷ lệ đều đi kèm số trả lời hợp lệ (n) và tỷ lệ không áp dụng.',
    componentsHeading: 'Năm yếu tố',
    chartCaption: 'Tỷ lệ hài lòng theo yếu tố (%). Thanh càng dài càng hài lòng; số ghi bên phải mỗi thanh.',
    chartLabel: 'Biểu đồ tỷ lệ hài lòng của năm yếu tố',
    component: 'Yếu tố',
    percent: '% hài lòng',
    respondents: 'Số người trả lời',
    itemsDefined: 'Số câu có số liệu',
    itemsHeading: 'Từng câu hỏi',
    code: 'Mã',
    question: 'Câu hỏi',
    valid: 'n hợp lệ',
    notApplicable: 'Không áp dụng',
    skipped: 'Bỏ qua',
    trendHeading: 'Diễn biến theo tháng',
    trendCaption: 'Chỉ số SIPAS chung theo tháng (%); số phiếu ghi dưới mỗi tháng.',
    trendLabel: 'Biểu đồ chỉ số SIPAS theo tháng',
    month: 'Tháng',
    responses: 'Số phiếu',
    index: 'Chỉ số SIPAS',
    choicesHeading: 'Phiền hà, tiêu cực và những việc cần cải thiện',
    choicesNote: 'Tỷ lệ trên số người đã trả lời câu đó (n). “Không trả lời” là người được hỏi nhưng bỏ qua.',
    answered: 'n trả lời',
    unanswered: 'Không trả lời',
    commentsHeading: 'Ý kiến khác gần đây',
    commentsNote: (n: number) => `${n} ý kiến mới nhất trong các phiếu được tính. Toàn bộ ý kiến có trong tệp xuất dữ liệu.`,
    when: 'Thời gian',
    place: 'Cơ quan / quầy',
    comment: 'Ý kiến',
    noData: 'Không có phiếu nào khớp bộ lọc.',
    noValue: 'chưa có số liệu',
  },
  time: {
    minutes: (n: number) => `${n} phút`,
    hours: (n: number) => `${n} giờ`,
    days: (n: number) => `${n} ngày`,
    justNow: 'vừa xong',
  },
};

/** The words of one language. */
export type Words = typeof vi;

const en: Words = {
  layout: {
    brand: 'SIPAS – Staff',
    navigation: 'Staff pages',
    logout: 'Sign out',
    otherLanguage: 'Tiếng Việt',
    all: 'All',
    none: 'None',
    never: 'Never',
    back: 'Back',
  },
  nav: { fleet: 'Device health', devices: 'Devices', report: 'SIPAS report', export: 'Export', import: 'Import backup file' },
  login: {
    title: 'Staff sign-in',
    intro: 'For the staff who run the SIPAS satisfaction survey.',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'Wrong password.',
    locked: (seconds: number) => `Too many wrong passwords. Please wait ${seconds} seconds and try again.`,
    noPassword:
      'No staff password is set on this server yet. Whoever installed it should run “tsx src/collector/cli/admin-cli.ts set-password” (or set COLLECTOR_ADMIN_PASSWORD before the first start).',
    loggedOut: 'You have signed out.',
    signInAgain: 'Please sign in to continue. (A session lasts 8 hours.)',
  },
  errors: {
    title: 'Something went wrong',
    generic: 'The request could not be completed. Please try again; if it keeps failing, tell whoever runs the server.',
    notFound: 'There is no such page.',
    forbidden: 'This request did not come from this server’s staff pages, so it was refused. Please reopen the page and try again.',
    badFilter: 'Please correct the filters:',
    unknownDefinition: (id: string) => `This server has no questionnaire “${id}”.`,
    noDevice: 'No such device.',
  },
  devices: {
    title: 'Kiosk devices',
    intro: 'Each tablet needs a device token to send responses to this server. Register a tablet here, then scan the QR code with it to set it up — no typing.',
    registerHeading: 'Register a new device',
    label: 'Device name',
    labelHint: 'To recognise it in lists. For example: Counter 1 tablet',
    agency: 'Agency code',
    agencyHint: 'For example: TTHCC-HN',
    counter: 'Counter code',
    counterHint: 'For example: Q01',
    register: 'Register and issue a token',
    listHeading: 'Registered devices',
    place: 'Agency / counter',
    registeredAt: 'Registered',
    status: 'Status',
    actions: 'Actions',
    active: 'In use',
    revoked: (when: string) => `Revoked ${when}`,
    rotate: 'Issue a new token',
    rotateConfirm: (label: string) => `Issue a new token for “${label}”? The old one stops working at once; the tablet must be set up again with the new one.`,
    revoke: 'Revoke',
    revokeConfirm: (label: string) => `Revoke “${label}”? It will not be able to send responses any more. Responses already received are kept.`,
    revokedNotice: (label: string) => `“${label}” is revoked. Responses already received are kept.`,
    empty: 'No devices yet. Register the first one above.',
    invalid: 'Not registered. Please correct the fields marked in red.',
    labelError: 'Please give the device a name (at most 120 characters).',
    agencyError: 'Please give an agency code (at most 64 characters).',
    counterError: 'Please give a counter code (at most 64 characters).',
  },
  token: {
    titleNew: (label: string) => `Set-up code for “${label}”`,
    titleRotated: (label: string) => `New token for “${label}”`,
    once: 'This token is shown ONCE. The server keeps no readable copy, so nobody can show it again. If it is lost, use “Issue a new token”.',
    step1: 'On the tablet, open the camera and scan the QR code below, or open the set-up link on the tablet.',
    step2: 'The survey app saves the token and this server’s address, then removes the link from the address bar.',
    step3: 'Within minutes the tablet appears on the “Device health” page.',
    qrCaption: 'QR code of the set-up link',
    loopback:
      'Note: this page was opened with an address that works on the server itself only, so a tablet cannot open the link below. Open the staff pages with the server’s network address (or start the server with --public-url), then use “Issue a new token”.',
    link: 'Set-up link',
    token: 'Device token (only if it must be typed into the tablet’s settings)',
    device: 'Device id',
    back: 'Back to the devices',
  },
  fleet: {
    title: 'Device health',
    intro: 'Devices needing attention come first, each with its reasons. Queue, storage and versions are what each device reported when it last sent.',
    summary: (attention: number, ok: number, revoked: number) => `${attention} need attention · ${ok} healthy · ${revoked} revoked`,
    device: 'Device',
    lastContact: 'Last contact',
    state: 'Health',
    queue: 'Waiting on the device',
    received: 'Received',
    gaps: 'Missing sequence numbers',
    versions: 'Versions',
    storage: 'Storage',
    ok: 'Healthy',
    revoked: 'Revoked',
    noReport: 'No report yet',
    queueCount: (n: string) => `${n} responses`,
    oldestWaiting: (age: string) => `oldest waiting ${age}`,
    persisted: 'persistent',
    notPersisted: 'not persistent',
    persistUnknown: 'unknown',
    usage: (used: string, quota: string) => `${used} used of ${quota}`,
    app: 'App',
    definition: 'Questionnaire',
    lastError: 'Device’s last error',
    noGaps: 'None missing',
    missing: (n: string) => `${n} missing`,
    kiosk: 'kiosk',
    empty: 'No devices yet. Register one on the “Devices” page.',
    problems: {
      neverContacted: 'Never connected: the tablet has not been set up with its token, or has no network.',
      stale: (age: string) => `Silent for ${age} (over 24 hours): check that the tablet is on and online.`,
      gaps: (n: string, ranges: string) =>
        `${n} responses missing by sequence number (${ranges}): they may have been lost on the way. If the tablet still has them, export its backup file and import it here.`,
      queueOld: (age: string, n: string) => `A response has been waiting ${age} (${n} waiting): the tablet cannot reach this server.`,
      conflicts: (n: string) => `${n} responses with a known id but different content await review.`,
      rejected: (n: string) => `${n} responses refused by the server await review.`,
      storageNotPersisted: 'Browser storage is not persistent: data may be deleted when the tablet runs short of space.',
    },
  },
  filters: {
    definition: 'Questionnaire',
    version: 'Version',
    anyVersion: 'Every version',
    agency: 'Agency',
    counter: 'Counter',
    field: 'Service field',
    from: 'From',
    to: 'To',
    datesHint: 'Vietnam time; both days included.',
    versionLabel: (v: number) => `Version ${v}`,
  },
  export: {
    title: 'Export responses',
    intro: 'Download every response matching the filters, one row per response, one column per question. No row limit; 100,000 responses take a few seconds.',
    labels: 'Write answers as words (e.g. “4 – Satisfied”) instead of codes',
    count: 'Count responses',
    counted: (n: string) => `${n} responses match the filters.`,
    csv: 'Download CSV (opens in Excel)',
    xlsx: 'Download XLSX (Excel)',
    json: 'Download JSON',
    csvNote: 'CSV: opens directly in Excel with Vietnamese text intact. Cells starting with = + - @ get a leading apostrophe so Excel never runs them as formulas.',
    xlsxNote: 'XLSX: with a second sheet “Chú thích – Legend” explaining every column and answer code.',
    jsonNote: 'JSON: one array of responses, for programmers.',
    timesNote: 'Times in the files are UTC (Vietnam time = UTC + 7). The number of rows is in the download’s X-Row-Count header.',
  },
  import: {
    title: 'Import a backup file',
    intro:
      'When a tablet cannot send its responses, staff download its “backup file of unsent responses” on the tablet (Staff area → Export) and import it here. Importing a file twice, or importing responses the tablet later sends anyway, never creates duplicates.',
    file: 'Backup file (.json)',
    device: 'Device that exported it (optional)',
    deviceHint: 'Choose the device so its responses count for it on the “Device health” page.',
    noDevice: 'Not chosen',
    submit: 'Import',
    working: 'Importing…',
    resultHeading: 'Import result',
    fileOf: (kioskId: string, exportedAt: string) => `File of kiosk ${kioskId}, exported ${exportedAt}.`,
    total: 'Responses in the file',
    created: 'New responses imported',
    duplicate: 'Already here, not imported again',
    conflict: 'Known id with different content (the stored one is kept, the file’s is set aside)',
    rejected: 'Refused',
    problemsHeading: 'Responses to review',
    index: 'Position in file',
    responseId: 'Response id',
    outcome: 'Outcome',
    reason: 'Reason',
    noFile: 'Please choose a file.',
    notJson: 'This is not a backup file (JSON).',
    failed: 'The file could not be imported:',
    network: 'The server could not be reached. Please try again.',
    signedOut: 'Your session has ended. Please reload the page and sign in.',
  },
  report: {
    title: 'SIPAS satisfaction report',
    show: 'Show report',
    print: 'Print',
    json: 'Download figures (JSON)',
    overall: 'Overall satisfaction index (SIPAS)',
    basedOn: (n: string) => `from ${n} complete responses`,
    partial: (n: string) => `${n} abandoned responses not counted`,
    scope: 'Scope',
    generatedAt: 'Generated',
    period: (from: string, to: string) => `from ${from} to ${to}`,
    wholeTime: 'all time',
    methodHeading: 'Method',
    method:
      '% satisfied for an item = answers at level 4 (Satisfied) or 5 (Very satisfied) ÷ valid answers (levels 1 to 5) × 100. Level 3 (Neutral) does not count as satisfied. Skipped or not-applicable items (component 5 is asked only of people who gave feedback or a complaint) leave every denominator and are never given a score. A component’s index is the mean of the % satisfied of its items that have at least one valid answer; the overall SIPAS index is the mean of the components that have figures. Only complete responses count. This aggregation is a named, stated choice (“item-percent-mean”), because the Ministry of Home Affairs has not published its own in full; that is why every percentage comes with its number of valid answers (n) and the share not applicable.',
    componentsHeading: 'The five components',
    chartCaption: 'Share satisfied by component (%). Longer bars are better; the value is written after each bar.',
    chartLabel: 'Bar chart of the five components’ share satisfied',
    component: 'Component',
    percent: '% satisfied',
    respondents: 'Respondents',
    itemsDefined: 'Items with figures',
    itemsHeading: 'Item by item',
    code: 'Code',
    question: 'Question',
    valid: 'Valid n',
    notApplicable: 'Not applicable',
    skipped: 'Skipped',
    trendHeading: 'Month by month',
    trendCaption: 'Overall SIPAS index by month (%); the number of responses is under each month.',
    trendLabel: 'Chart of the SIPAS index by month',
    month: 'Month',
    responses: 'Responses',
    index: 'SIPAS index',
    choicesHeading: 'Harassment, unofficial payments and what to improve',
    choicesNote: 'Shares of the people who answered the question (n). “No answer” is people asked who skipped it.',
    answered: 'n answered',
    unanswered: 'No answer',
    commentsHeading: 'Recent comments',
    commentsNote: (n: number) => `The latest ${n} comments among the responses counted. Every comment is in the export.`,
    when: 'When',
    place: 'Agency / counter',
    comment: 'Comment',
    noData: 'No responses match the filters.',
    noValue: 'no figures yet',
  },
  time: {
    minutes: (n: number) => `${n} minute${n === 1 ? '' : 's'}`,
    hours: (n: number) => `${n} hour${n === 1 ? '' : 's'}`,
    days: (n: number) => `${n} day${n === 1 ? '' : 's'}`,
    justNow: 'just now',
  },
};

const WORDS: Record<Lang, Words> = { vi, en };

/** The words of a language. */
export function wordsFor(lang: Lang): Words {
  return WORDS[lang];
}

/** The language asked for with ?lang=, else the remembered one, else Vietnamese. */
export function pickLang(queryLang: unknown, cookieLang: string | undefined): Lang {
  if (queryLang === 'vi' || queryLang === 'en') return queryLang;
  if (cookieLang === 'vi' || cookieLang === 'en') return cookieLang;
  return 'vi';
}

/** A whole number for people: 1.234 in Vietnamese, 1,234 in English. */
export function formatCount(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}

/** A percentage 0–100 as the survey module formats it, with the decimal comma in Vietnamese. */
export function formatPct(lang: Lang, percent: number | null, digits = 2): string {
  const text = formatPercent(percent, digits);
  return lang === 'vi' ? text.replace('.', ',') : text;
}

/** A share 0–1 as a percentage with one decimal. */
export function formatShare(lang: Lang, share: number | null): string {
  return formatPct(lang, share === null ? null : share * 100, 1);
}

/** A date and time in Vietnam: "02/03/2026 08:01". */
export function formatDateTime(lang: Lang, instant: string): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(instant));
}

/** A calendar day given as YYYY-MM-DD, written for people: 02/03/2026. */
export function formatDay(isoDay: string): string {
  const [y, m, d] = isoDay.split('-');
  return `${d}/${m}/${y}`;
}

/** A month given as YYYY-MM: 03/2026. */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-');
  return `${m}/${y}`;
}

/** How long, in the largest whole unit: "3 giờ", "2 ngày". */
export function formatDuration(w: Words, ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return w.time.justNow;
  if (minutes < 60) return w.time.minutes(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return w.time.hours(hours);
  return w.time.days(Math.floor(hours / 24));
}

/** How long ago: "3 giờ trước", "3 hours ago". */
export function formatAgo(lang: Lang, w: Words, instant: string, now: Date): string {
  const ms = now.getTime() - Date.parse(instant);
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return w.time.justNow;
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'always' });
  if (minutes < 60) return format.format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return format.format(-hours, 'hour');
  return format.format(-Math.floor(hours / 24), 'day');
}

/** Bytes for people: "12,5 MB". */
export function formatBytes(lang: Lang, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${text} ${units[unit]}`;
}
