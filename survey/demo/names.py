"""Names of the demo province's units: realistic, not a real province's list."""

# (code, name, provides administrative procedures, ranked)
DEPARTMENTS = [
    ("VP-UBND", "Văn phòng UBND tỉnh", True, True),
    ("SNV", "Sở Nội vụ", True, True),
    ("STP", "Sở Tư pháp", True, True),
    ("STC", "Sở Tài chính", True, True),
    ("SCT", "Sở Công Thương", True, True),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", True, True),
    ("SXD", "Sở Xây dựng", True, True),
    ("SKHCN", "Sở Khoa học và Công nghệ", True, True),
    ("SGDDT", "Sở Giáo dục và Đào tạo", True, True),
    ("SYT", "Sở Y tế", True, True),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", True, True),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", True, True),
    ("SNGV", "Sở Ngoại vụ", True, True),
    ("BQLKKT", "Ban Quản lý Khu kinh tế tỉnh", True, True),
    ("TTRA", "Thanh tra tỉnh", False, False),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", False, False),
    ("DPTTH", "Báo và Phát thanh, Truyền hình tỉnh", False, True),
    ("VP-DDBQH", "Văn phòng Đoàn ĐBQH và HĐND tỉnh", False, True),
    ("TCT", "Trường Chính trị tỉnh", False, True),
    ("LMHTX", "Liên minh Hợp tác xã tỉnh", False, True),
    ("BHXH", "Bảo hiểm xã hội tỉnh", True, True),
    ("THUE", "Thuế tỉnh", True, True),
    ("KBNN", "Kho bạc Nhà nước khu vực", True, True),
    ("CATINH", "Công an tỉnh", True, True),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", False, True),
]

COMMUNE_STEMS = [
    "An Bình",
    "An Hòa",
    "An Lạc",
    "An Phú",
    "An Thạnh",
    "Bình Minh",
    "Bình Thạnh",
    "Bình Hòa",
    "Cẩm Giang",
    "Cẩm Thủy",
    "Đông Hòa",
    "Đông Thạnh",
    "Gia Lộc",
    "Hòa Bình",
    "Hòa Khánh",
    "Hòa Thuận",
    "Hưng Long",
    "Hưng Thịnh",
    "Khánh Hậu",
    "Long Hòa",
    "Long Thành",
    "Long Hiệp",
    "Lộc Giang",
    "Mỹ Lộc",
    "Mỹ Hạnh",
    "Mỹ Phước",
    "Nhơn Ninh",
    "Phú Mỹ",
    "Phước Hiệp",
    "Phước Lợi",
    "Phước Vĩnh",
    "Tân An",
    "Tân Bình",
    "Tân Hòa",
    "Tân Lập",
    "Tân Phú",
    "Tân Thạnh",
    "Tân Trụ",
    "Thạnh Đức",
    "Thanh Phước",
    "Thạnh Lợi",
    "Thuận Mỹ",
    "Thủ Thừa",
    "Trường Hòa",
    "Trường Tây",
    "Vĩnh Công",
    "Vĩnh Hưng",
    "Vĩnh Thạnh",
    "Xuân Hòa",
    "Yên Luông",
    "Cần Giuộc",
    "Cần Đước",
    "Đức Hòa",
    "Đức Huệ",
    "Bến Lức",
    "Hậu Nghĩa",
    "Rạch Kiến",
    "Lương Hòa",
    "Mỹ Quý",
    "Kiến Tường",
]
WARD_STEMS = {"Tân An", "Kiến Tường", "Khánh Hậu", "Long Hòa", "Bình Minh", "Hòa Thuận"}

# The commune formed on 1/7/2025 from two communes of 2023–2024.
MERGED_COMMUNE = ("XA-LONGTHUAN", "Xã Long Thuận")
MERGED_FROM = [("XA-LONGTHUONG", "Xã Long Thượng"), ("XA-THUANTHANH", "Xã Thuận Thành")]

# English names of the departments, shown on English pages.
DEPARTMENT_NAMES_EN = {
    "VP-UBND": "Office of the Provincial People's Committee",
    "SNV": "Department of Home Affairs",
    "STP": "Department of Justice",
    "STC": "Department of Finance",
    "SCT": "Department of Industry and Trade",
    "SNNMT": "Department of Agriculture and Environment",
    "SXD": "Department of Construction",
    "SKHCN": "Department of Science and Technology",
    "SGDDT": "Department of Education and Training",
    "SYT": "Department of Health",
    "SVHTTDL": "Department of Culture, Sports and Tourism",
    "SDTTG": "Department of Ethnic Minorities and Religions",
    "SNGV": "Department of Foreign Affairs",
    "BQLKKT": "Provincial Economic Zone Authority",
    "TTRA": "Provincial Inspectorate",
    "BQLDA": "Provincial Construction Investment Project Management Board",
    "DPTTH": "Provincial Newspaper, Radio and Television",
    "VP-DDBQH": "Office of the National Assembly Delegation and People's Council",
    "TCT": "Provincial Political School",
    "LMHTX": "Provincial Cooperative Alliance",
    "BHXH": "Provincial Social Security",
    "THUE": "Provincial Tax Office",
    "KBNN": "Regional State Treasury",
    "CATINH": "Provincial Police",
    "BCHQS": "Provincial Military Command",
}


def commune_name_en(name_vi: str) -> str:
    """ "Xã An Bình" → "An Bình Commune", "Phường Tân An" → "Tân An Ward"."""
    for prefix, kind in (("Xã ", "Commune"), ("Phường ", "Ward")):
        if name_vi.startswith(prefix):
            stem = name_vi.removeprefix(prefix)
            if stem.startswith("Số "):  # "Xã Số 42" → "Commune No. 42"
                return f"{kind} No. {stem.removeprefix('Số ')}"
            return f"{stem} {kind}"
    return ""


# A second, small province sharing the installation (fictional): its code, names
# in Vietnamese and English. Its unit codes start with SH- so that they stay
# unique across the installation.
SECOND_PROVINCE = ("son-ha", "tỉnh Sơn Hà", "Son Ha province")
SECOND_DEPARTMENTS = [
    ("SH-VP-UBND", "Văn phòng UBND tỉnh Sơn Hà", True, True),
    ("SH-SNV", "Sở Nội vụ tỉnh Sơn Hà", True, True),
    ("SH-SKHCN", "Sở Khoa học và Công nghệ tỉnh Sơn Hà", True, True),
    ("SH-SYT", "Sở Y tế tỉnh Sơn Hà", True, True),
]
SECOND_DEPARTMENT_NAMES_EN = {
    "SH-VP-UBND": "Office of the Son Ha Provincial People's Committee",
    "SH-SNV": "Son Ha Department of Home Affairs",
    "SH-SKHCN": "Son Ha Department of Science and Technology",
    "SH-SYT": "Son Ha Department of Health",
}
SECOND_COMMUNE_STEMS = [
    "Sơn Thủy",
    "Hà Trung",
    "Sơn Hà",
    "Tân Sơn",
    "Hà Lộc",
    "Sơn Lâm",
]
SECOND_WARD_STEMS = {"Sơn Hà"}
