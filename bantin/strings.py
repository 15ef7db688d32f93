"""Interface strings (Vietnamese by default, overridable in site.toml [strings]) and date forms."""

from __future__ import annotations

from datetime import datetime, timedelta

DEFAULT_STRINGS: dict[str, str] = {
    "home": "Trang chủ",
    "latest": "Tin mới",
    "related": "Xem thêm",
    "latest_by_topic": "Tin theo chủ đề",
    "more": "Xem tất cả",
    "province": "Tỉnh, thành phố",
    "provinces": "Tỉnh, thành phố",
    "national": "Trung ương",
    "topic": "Chủ đề",
    "topics": "Chủ đề",
    "tag": "Thẻ",
    "tags": "Thẻ",
    "archive": "Lưu trữ",
    "month": "Tháng",
    "year": "Năm",
    "articles": "bài",
    "author": "Tác giả",
    "source": "Nguồn",
    "share": "Chia sẻ",
    "copy_link": "Sao chép liên kết",
    "copied": "Đã sao chép",
    "previous_article": "Bài trước",
    "next_article": "Bài tiếp",
    "page": "Trang",
    "pagination": "Phân trang",
    "newer": "Mới hơn",
    "older": "Cũ hơn",
    "menu": "Chuyên mục",
    "skip_to_content": "Chuyển đến nội dung chính",
    "now_part_of": "Từ ngày 01/07/2025 thuộc",
    "includes_former": "Gồm cả tin của",
    "former_provinces": "trước sáp nhập",
    "current_provinces": "34 tỉnh, thành phố từ ngày 01/07/2025",
    "not_found_title": "Không tìm thấy trang",
    "not_found_text": "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
    "back_home": "Về trang chủ",
    "search": "Tìm kiếm",
    "empty": "Chưa có bài viết.",
    "table_of_contents": "Nội dung",
    "breadcrumb": "Đường dẫn",
}

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def gmt_offset(moment: datetime) -> str:
    """'GMT+7', 'GMT+5:30' or 'GMT' for the offset of an aware datetime."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def vietnamese_datetime(moment: datetime) -> str:
    """'Thứ sáu, 02/06/2023 00:03 (GMT+7)', the form Vietnamese news sites print."""
    return f"{WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y %H:%M} ({gmt_offset(moment)})"


def vietnamese_date(moment: datetime) -> str:
    """'02/06/2023'."""
    return f"{moment:%d/%m/%Y}"
