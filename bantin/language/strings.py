"""The words of the pages, in the site's language (Vietnamese or English; site.toml [strings] changes any
of them), the words of the search page's addresses, and the page's locale for link previews."""

from __future__ import annotations

DEFAULT_STRINGS: dict[str, str] = {  # Vietnamese, the default language
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
    "article": "bài",  # after a count of one (Vietnamese has one form)
    "articles": "bài",  # after a count of several
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
    "search_found_one": "Tìm thấy {count} kết quả cho “{query}”",  # *_one: for a count of one, where the
    # language has such a form (Intl.PluralRules says "one"); Vietnamese has not
    "search_none": "Không tìm thấy kết quả nào cho “{query}”.",
    "search_more": "Xem thêm kết quả",
    "search_more_older": "Xem thêm kết quả: tìm tiếp {range} (khoảng {size})",
    "search_scope": "(đã tìm trong {count} bài mới nhất, từ ngày {since}; các bài cũ hơn chưa được tìm)",
    "search_scope_one": "(đã tìm trong {count} bài mới nhất, từ ngày {since}; các bài cũ hơn chưa được tìm)",
    "search_older": "Tìm cả các năm trước ({range}, khoảng {size})",
    "search_older_heading": "{count} kết quả từ {range}",
    "search_older_heading_one": "{count} kết quả từ {range}",
    "search_words": "Tìm từng từ riêng lẻ trong {count} bài đã tìm (khoảng {size})",
    "search_loose": "{count} kết quả khác chứa một phần từ khóa",
    "search_loose_one": "{count} kết quả khác chứa một phần từ khóa",
    "search_documents": "Tìm trong {count} văn bản, tài liệu đính kèm (khoảng {size})",
    "search_documents_found": "{count} văn bản, tài liệu có từ khóa",
    "search_document_in": "trong bài",
    "search_unavailable": "Chức năng tìm kiếm chưa sẵn sàng: không tải được chỉ mục tìm kiếm của trang web.",
    "search_cut": "(chỉ tìm theo {count} từ đầu tiên)",
    "search_needs_js": "Tìm kiếm cần bật JavaScript trong trình duyệt.",
    "search_hint": "Gõ từ khóa có dấu hoặc không dấu, ví dụ “trí thức trẻ” hay “tri thuc tre”; "
                   "đặt trong ngoặc kép để tìm đúng cụm từ.",
    "empty": "Chưa có bài viết.",
    "table_of_contents": "Nội dung",
    "breadcrumb": "Đường dẫn",
    # documents (docs/writing.md, "Documents"): the Văn bản section, a document's page, its cards
    "documents": "Văn bản",
    "document_count": "văn bản",  # "5 văn bản" on the Văn bản section
    "document_count_one": "văn bản",
    "document_info": "Thông tin văn bản",
    "document_number": "Số/Ký hiệu",
    "document_issued": "Ngày ban hành",
    "document_summary": "Trích yếu",
    "document_issuer": "Cơ quan ban hành",
    "document_kind": "Loại văn bản",
    "document_year": "Năm ban hành",
    "document_signer": "Người ký",
    "document_status": "Tình trạng",
    "document_replaced_by": "Được thay thế bởi",
    "document_download": "Tải về",
    "document_citing": "Các tin liên quan",
    "document_filters": "Lọc văn bản",
    "document_all": "Tất cả văn bản",
    "unit_pages": "trang",  # "PDF · 2,4 MB · 40 trang"
    "unit_sheets": "trang tính",
    "unit_slides": "trang chiếu",
    "chart_data": "Bảng số liệu",
}



ENGLISH_STRINGS: dict[str, str] = {
    "home": "Home",
    "latest": "Latest news",
    "related": "See also",
    "latest_by_topic": "News by topic",
    "more": "See all",
    "province": "Province or city",
    "provinces": "Provinces and cities",
    "national": "National",
    "topic": "Topic",
    "topics": "Topics",
    "tag": "Tag",
    "tags": "Tags",
    "archive": "Archive",
    "month": "Month",
    "year": "Year",
    "article": "article",
    "articles": "articles",
    "author": "Author",
    "source": "Source",
    "share": "Share",
    "copy_link": "Copy link",
    "copied": "Copied",
    "previous_article": "Previous",
    "next_article": "Next",
    "page": "Page",
    "pagination": "Pages",
    "newer": "Newer",
    "older": "Older",
    "newest_page": "Newest",
    "latest_link": "See the latest news",
    "menu": "Menu",
    "skip_to_content": "Skip to the main content",
    "now_part_of": "Since 1 July 2025 part of",
    "includes_former": "Includes the news of",
    "former_provinces": "before the merger",
    "current_provinces": "The 34 provinces and cities since 1 July 2025",
    "not_found_title": "Page not found",
    "not_found_text": "The page you are looking for does not exist or has moved.",
    "back_home": "Back to the home page",
    "search": "Search",
    "search_site": "Search the whole site",
    "search_placeholder": "Search articles…",
    "search_button": "Search",
    "not_found_search": "You can search for the article you want to read:",
    "feed": "Follow the news (RSS)",
    "footnote_back": "Back to footnote %d in the text",
    "search_query": "Search words",
    "search_description": "Search news and reports by words, province, topic and year.",
    "search_all": "All",
    "search_sort": "Sort",
    "search_relevance": "Best match",
    "search_newest": "Newest",
    "search_all_years": "Best match, all years",
    "search_former": "Provinces and cities before the merger",
    "search_section": "Section",
    "search_loading": "Searching…",
    "search_found": "{count} results for “{query}”",
    "search_found_one": "{count} result for “{query}”",
    "search_none": "No results for “{query}”.",
    "search_more": "More results",
    "search_more_older": "More results: search {range} too (about {size})",
    "search_scope": "(searched the newest {count} articles, since {since}; older ones not yet)",
    "search_scope_one": "(searched the newest article, since {since}; older ones not yet)",
    "search_older": "Search the earlier years too ({range}, about {size})",
    "search_older_heading": "{count} results from {range}",
    "search_older_heading_one": "{count} result from {range}",
    "search_words": "Search each word on its own in the {count} articles searched (about {size})",
    "search_loose": "{count} other results with some of the words",
    "search_loose_one": "{count} other result with some of the words",
    "search_unavailable": "Search is not available: the site's search index could not be loaded.",
    "search_cut": "(searched for its first {count} words)",
    "search_needs_js": "Search needs JavaScript turned on in the browser.",
    "search_hint": "Type a few words, such as “young scientists”; put them in quotes to find the exact phrase. "
                   "Vietnamese names match with or without their tone marks (“Đắk Lắk” or “Dak Lak”).",
    "empty": "No articles yet.",
    "table_of_contents": "Contents",
    "breadcrumb": "Breadcrumb",
    "documents": "Documents",
    "document_count": "documents",
    "document_count_one": "document",
    "document_info": "About the document",
    "document_number": "Number",
    "document_issued": "Issued",
    "document_summary": "Summary",
    "document_issuer": "Issued by",
    "document_kind": "Kind",
    "document_year": "Year issued",
    "document_signer": "Signed by",
    "document_status": "Status",
    "document_replaced_by": "Replaced by",
    "document_download": "Download",
    "document_citing": "News about it",
    "document_filters": "Filter the documents",
    "document_all": "All documents",
    "unit_pages": "pages",
    "unit_sheets": "sheets",
    "unit_slides": "slides",
    "chart_data": "The numbers",
    "search_documents": "Search the {count} attached documents too (about {size})",
    "search_documents_one": "Search the attached document too (about {size})",
    "search_documents_found": "{count} documents with these words",
    "search_documents_found_one": "{count} document with these words",
    "search_document_in": "in",
}
STRINGS = {"vi": DEFAULT_STRINGS, "en": ENGLISH_STRINGS}

# The words of the search page's address (?tinh=ha-tinh&sap-xep=moi-nhat): its filters and its orders
SEARCH_WORDS = {
    "vi": {"section": "muc", "year": "nam", "sort": "sap-xep", "newest": "moi-nhat", "all_years": "moi-nam"},
    "en": {"section": "section", "year": "year", "sort": "sort", "newest": "newest", "all_years": "all-years"},
}
LOCALES = {"vi": "vi_VN", "en": "en_US"}  # og:locale of the pages, by the site's language


def primary(language: str) -> str:
    """'vi-VN' -> 'vi', 'EN' -> 'en': the part of a language code the defaults are chosen by."""
    return language.replace("_", "-").split("-")[0].lower()


def default_strings(language: str) -> dict[str, str]:
    """The words of the pages in the site's language; English for a language bantin has none for."""
    return dict(STRINGS.get(primary(language), ENGLISH_STRINGS))


def search_words(language: str) -> dict[str, str]:
    """The words of the search page's address in the site's language (English where it has none)."""
    return SEARCH_WORDS.get(primary(language), SEARCH_WORDS["en"])


def locale(language: str) -> str:
    """The pages' og:locale: 'vi_VN', 'en_US'; a code with its region as it says ('en-GB' -> 'en_GB')."""
    code, _, region = language.replace("-", "_").partition("_")
    return f"{code.lower()}_{region.upper()}" if region else LOCALES.get(code.lower(), code.lower())
