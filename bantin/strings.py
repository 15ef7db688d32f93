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
    "newest_page": "Mới nhất",  # the first page of a list, in its pager
    "latest_link": "Xem tin mới nhất",  # "Tin mới" beside an article, for a reader without script
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
    "search_site": "Tìm trong toàn trang",  # the header's search form, told from a page's own
    "search_placeholder": "Tìm bài viết…",
    "search_button": "Tìm",
    "not_found_search": "Bạn có thể tìm bài viết cần đọc:",
    "feed": "Theo dõi tin (RSS)",
    "footnote_back": "Quay lại chỗ chú thích %d trong bài",  # %d: the footnote's number
    "search_query": "Từ khóa",
    "search_description": "Tìm tin tức và báo cáo theo từ khóa, tỉnh, thành phố, chủ đề và năm.",
    "search_all": "Tất cả",
    "search_sort": "Sắp xếp",
    "search_relevance": "Phù hợp nhất",
    "search_newest": "Mới nhất",
    "search_all_years": "Phù hợp nhất, mọi năm",
    "search_former": "Tỉnh, thành phố trước sáp nhập",
    "search_section": "Chuyên mục",
    "search_loading": "Đang tìm…",
    "search_found": "Tìm thấy {count} kết quả cho “{query}”",
    "search_none": "Không tìm thấy kết quả nào cho “{query}”.",
    "search_more": "Xem thêm kết quả",
    "search_more_older": "Xem thêm kết quả: tìm tiếp {range} (khoảng {size})",
    "search_scope": "(đã tìm trong {count} bài mới nhất, từ ngày {since}; các bài cũ hơn chưa được tìm)",
    "search_older": "Tìm cả các năm trước ({range}, khoảng {size})",
    "search_older_heading": "{count} kết quả từ {range}",
    "search_words": "Tìm từng từ riêng lẻ trong {count} bài đã tìm (khoảng {size})",
    "search_loose": "{count} kết quả khác chứa một phần từ khóa",
    "search_unavailable": "Chức năng tìm kiếm chưa sẵn sàng: trang web được xây dựng không kèm chỉ mục tìm kiếm.",
    "search_needs_js": "Tìm kiếm cần bật JavaScript trong trình duyệt.",
    "search_hint": "Gõ từ khóa có dấu hoặc không dấu, ví dụ “trí thức trẻ” hay “tri thuc tre”; "
                   "đặt trong ngoặc kép để tìm đúng cụm từ.",
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
